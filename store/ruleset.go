package store

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"
)

// The rule kinds and modes Confluent accepts; omitted ones default to TRANSFORM and WRITEREAD.
var (
	ruleKinds          = []string{"TRANSFORM", "CONDITION"}
	migrationRuleModes = []string{"UPGRADE", "DOWNGRADE", "UPDOWN"}
	dataRuleModes      = []string{"WRITE", "READ", "WRITEREAD"}
)

// normalizeRuleSet fills rule defaults and validates the rule set as Confluent's
// RuleSet.validate does, with its messages (42210 on failure): per group (migration, domain,
// encoding rules) and per rule, a duplicate name first, then Rule.validate (name, type, the
// actions), then the mode the group allows.
func normalizeRuleSet(rs *RuleSet) error {
	if rs == nil {
		return nil
	}
	names := map[string]bool{}
	groups := []struct {
		rules []Rule
		modes []string
		what  string
	}{
		{rs.MigrationRules, migrationRuleModes, "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN"},
		{rs.DomainRules, dataRuleModes, "Domain rules can only be WRITE, READ, WRITEREAD"},
		{rs.EncodingRules, dataRuleModes, "Encoding rules can only be WRITE, READ, WRITEREAD"},
	}
	for _, g := range groups {
		for i := range g.rules {
			if err := validateRule(&g.rules[i], names); err != nil {
				return Errorf(CodeInvalidRuleSet, "%s", err)
			}
			if !slices.Contains(g.modes, g.rules[i].Mode) {
				return Errorf(CodeInvalidRuleSet, "%s", g.what)
			}
		}
	}
	return nil
}

func validateRule(r *Rule, names map[string]bool) error {
	if r.Kind == "" {
		r.Kind = "TRANSFORM"
	}
	if r.Mode == "" {
		r.Mode = "WRITEREAD"
	}
	if names[r.Name] {
		return fmt.Errorf("Found rule with duplicate name '%s'", r.Name)
	}
	names[r.Name] = true
	if err := validateRuleName(r.Name); err != nil {
		return err
	}
	switch {
	case r.Type == "":
		return errors.New("Missing rule type")
	case multipleActions(r) && r.Mode != "WRITEREAD" && r.Mode != "UPDOWN":
		return errors.New("Multiple actions only valid with WRITEREAD and UPDOWN")
	case !slices.Contains(ruleKinds, r.Kind):
		// Confluent's JSON binding refuses a kind that is not one of its enum's values.
		return fmt.Errorf("Invalid rule kind '%s' for rule '%s'", r.Kind, r.Name)
	case !slices.Contains(migrationRuleModes, r.Mode) && !slices.Contains(dataRuleModes, r.Mode):
		return fmt.Errorf("Invalid rule mode '%s' for rule '%s'", r.Mode, r.Name)
	}
	return nil
}

// ruleNameMaxLength is Rule.NAME_MAX_LENGTH, counted in UTF-16 units as Java does.
const ruleNameMaxLength = 256

// validateRuleName is Rule.validateName: a letter (any script, as Java's Character.isLetter)
// or '_' first, then letters, digits, '_' or '-'.
func validateRuleName(name string) error {
	switch {
	case name == "": // absent, as a rule without a name arrives; Confluent says "Empty rule name" for ""
		return errors.New("Missing rule name")
	case len(utf16.Encode([]rune(name))) > ruleNameMaxLength:
		return errors.New("Rule name too long")
	}
	for i, c := range name {
		switch {
		case i == 0 && !unicode.IsLetter(c) && c != '_':
			return fmt.Errorf("Illegal initial character in rule name: %s", name)
		case i > 0 && !unicode.IsLetter(c) && !unicode.IsDigit(c) && c != '_' && c != '-':
			return fmt.Errorf("Illegal character in rule name: %s", name)
		}
	}
	return nil
}

func multipleActions(r *Rule) bool {
	return strings.Contains(r.OnSuccess, ",") || strings.Contains(r.OnFailure, ",")
}

// mergeMetadata merges later over earlier: properties and tags key-wise (later wins),
// sensitive names as a union. Nil inputs are skipped; all nil gives nil.
func mergeMetadata(parts ...*Metadata) *Metadata {
	var out *Metadata
	for _, m := range parts {
		if m == nil {
			continue
		}
		if out == nil {
			out = &Metadata{}
		}
		out.Tags = mergeMaps(out.Tags, m.Tags)
		out.Properties = mergeMaps(out.Properties, m.Properties)
		out.Sensitive = unionSorted(out.Sensitive, m.Sensitive)
	}
	return out
}

func mergeMaps[V any](a, b map[string]V) map[string]V {
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	out := maps.Clone(a)
	if out == nil {
		out = map[string]V{}
	}
	maps.Copy(out, b)
	return out
}

func unionSorted(a, b []string) []string {
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	out := append(slices.Clone(a), b...)
	sort.Strings(out)
	return slices.Compact(out)
}

// mergeRuleSets merges later over earlier: rules by name (later wins, keeping position),
// enableAt later wins.
func mergeRuleSets(parts ...*RuleSet) *RuleSet {
	var out *RuleSet
	for _, rs := range parts {
		if rs == nil {
			continue
		}
		if out == nil {
			out = &RuleSet{}
		}
		out.MigrationRules = mergeRules(out.MigrationRules, rs.MigrationRules)
		out.DomainRules = mergeRules(out.DomainRules, rs.DomainRules)
		out.EncodingRules = mergeRules(out.EncodingRules, rs.EncodingRules)
		if rs.EnableAt != "" {
			out.EnableAt = rs.EnableAt
		}
	}
	return out
}

func mergeRules(a, b []Rule) []Rule {
	out := slices.Clone(a)
	for _, r := range b {
		if i := slices.IndexFunc(out, func(o Rule) bool { return o.Name == r.Name }); i >= 0 {
			out[i] = r
		} else {
			out = append(out, r)
		}
	}
	return out
}

// confluentVersionKey is the reserved metadata property that carries a schema's version.
const confluentVersionKey = "confluent:version"

// withoutConfluentVersion returns md without the reserved version property, nil when nothing
// else is left, for comparisons that must ignore it.
func withoutConfluentVersion(md *Metadata) *Metadata {
	if md == nil {
		return nil
	}
	c := *md
	if _, ok := c.Properties[confluentVersionKey]; ok {
		c.Properties = maps.Clone(c.Properties)
		delete(c.Properties, confluentVersionKey)
	}
	if len(c.Tags) == 0 && len(c.Properties) == 0 && len(c.Sensitive) == 0 {
		return nil
	}
	return &c
}
