package rules

import (
	"fmt"
	"slices"
	"strings"
)

// chooseList returns the rules a run goes through, in the order it runs them, and the
// enableAt of the rule set they come from: Upgrade runs the target's migration rules;
// Downgrade the source's, last first; Write the target's domain or encoding rules; Read
// the same, last first, so that a read undoes a write's transforms in reverse.
func chooseList(rc *Context, phase Phase) ([]Rule, string, error) {
	switch rc.Mode {
	case Upgrade, Downgrade:
		if phase != Migration {
			return nil, "", fmt.Errorf("rules: mode %s runs in the migration phase, not phase %d", rc.Mode, phase)
		}
		if rc.Mode == Upgrade {
			rs := rc.Target.RuleSet
			if rs == nil {
				return nil, "", nil
			}
			return rs.MigrationRules, rs.EnableAt, nil
		}
		if rc.Source == nil || rc.Source.RuleSet == nil {
			return nil, "", nil
		}
		return reversed(rc.Source.RuleSet.MigrationRules), rc.Source.RuleSet.EnableAt, nil
	case Write, Read:
		return writeReadList(rc, phase)
	}
	return nil, "", fmt.Errorf("rules: a serde runs in WRITE, READ, UPGRADE or DOWNGRADE, not %q", rc.Mode)
}

func writeReadList(rc *Context, phase Phase) ([]Rule, string, error) {
	rs := rc.Target.RuleSet
	if rs == nil {
		return nil, "", nil
	}
	var list []Rule
	switch phase {
	case Domain:
		list = rs.DomainRules
	case Encoding:
		list = rs.EncodingRules
	default:
		return nil, "", fmt.Errorf("rules: mode %s runs in the domain or encoding phase, not phase %d", rc.Mode, phase)
	}
	if rc.Mode == Read {
		list = reversed(list)
	}
	return list, rs.EnableAt, nil
}

// reversed returns a reversed copy; the rule set itself is shared and never changed.
func reversed(list []Rule) []Rule {
	if len(list) < 2 {
		return list
	}
	out := slices.Clone(list)
	slices.Reverse(out)
	return out
}

// ruleMode is the rule's mode, WRITEREAD when the registry left it out (Java's default).
func ruleMode(r Rule) Mode {
	if r.Mode == "" {
		return WriteRead
	}
	return r.Mode
}

// ruleKind is the rule's kind, TRANSFORM when the registry left it out (Java's default).
func ruleKind(r Rule) Kind {
	if r.Kind == "" {
		return Transform
	}
	return r.Kind
}

// modeMatches says whether a rule of mode rm runs when the serde runs in mode m.
func modeMatches(rm, m Mode) bool {
	switch rm {
	case WriteRead:
		return m == Write || m == Read
	case UpDown:
		return m == Upgrade || m == Downgrade
	}
	return rm == m
}

// disabled says whether a rule is off: by an override of its type first, then by the rule
// set's enableAt (unset is ALL; only ALL and CLIENT run on a client), then by the rule.
func (e *Engine) disabled(r Rule, enableAt string) bool {
	if o, ok := e.override(r); ok && o.Disabled != nil {
		return *o.Disabled
	}
	if enableAt != "" && enableAt != "ALL" && enableAt != "CLIENT" {
		return true
	}
	return r.Disabled
}

func (e *Engine) onSuccess(r Rule) string {
	if o, ok := e.override(r); ok && o.OnSuccess != nil {
		return *o.OnSuccess
	}
	return r.OnSuccess
}

func (e *Engine) onFailure(r Rule) string {
	if o, ok := e.override(r); ok && o.OnFailure != nil {
		return *o.OnFailure
	}
	return r.OnFailure
}

func (e *Engine) override(r Rule) (Override, bool) {
	if len(e.overrides) == 0 {
		return Override{}, false
	}
	o, ok := e.overrides[upper(r.Type)]
	return o, ok
}

// upper is strings.ToUpper, which allocates nothing for the usual upper-case types.
func upper(s string) string { return strings.ToUpper(s) }
