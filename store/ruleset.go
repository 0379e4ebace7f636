package store

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// The rule kinds and modes Confluent accepts; omitted ones default to TRANSFORM and WRITEREAD.
var (
	ruleKinds          = []string{"TRANSFORM", "CONDITION"}
	migrationRuleModes = []string{"UPGRADE", "DOWNGRADE", "UPDOWN"}
	dataRuleModes      = []string{"WRITE", "READ", "WRITEREAD"}
)

// normalizeRuleSet fills rule defaults and validates the rule set (42210 on failure).
func normalizeRuleSet(rs *RuleSet) error {
	if rs == nil {
		return nil
	}
	names := map[string]bool{}
	groups := []struct {
		rules []Rule
		modes []string
	}{{rs.MigrationRules, migrationRuleModes}, {rs.DomainRules, dataRuleModes}, {rs.EncodingRules, dataRuleModes}}
	for _, g := range groups {
		for i := range g.rules {
			if err := validateRule(&g.rules[i], g.modes, names); err != nil {
				return Errorf(CodeInvalidRuleSet, "%s", err)
			}
		}
	}
	return nil
}

func validateRule(r *Rule, modes []string, names map[string]bool) error {
	if r.Kind == "" {
		r.Kind = "TRANSFORM"
	}
	if r.Mode == "" {
		r.Mode = "WRITEREAD"
	}
	switch {
	case !validRuleName(r.Name):
		return fmt.Errorf("Invalid rule name %q", r.Name)
	case names[r.Name]:
		return fmt.Errorf("Found rule with duplicate name '%s'", r.Name)
	case r.Type == "":
		return fmt.Errorf("Missing rule type for rule '%s'", r.Name)
	case !slices.Contains(ruleKinds, r.Kind):
		return fmt.Errorf("Invalid rule kind '%s' for rule '%s'", r.Kind, r.Name)
	case !slices.Contains(modes, r.Mode):
		return fmt.Errorf("Invalid rule mode '%s' for rule '%s'", r.Mode, r.Name)
	case multipleActions(r) && r.Mode != "WRITEREAD" && r.Mode != "UPDOWN":
		return fmt.Errorf("Multiple actions only allowed for WRITEREAD and UPDOWN modes in rule '%s'", r.Name)
	}
	names[r.Name] = true
	return nil
}

func validRuleName(name string) bool {
	if name == "" || len(name) > 256 {
		return false
	}
	for i, c := range name {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '-')) {
			return false
		}
	}
	return true
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
