package rules_test

import (
	"testing"

	"github.com/accord-registry/accord/serde/rules"
)

func TestHasRules(t *testing.T) {
	rs := &rules.RuleSet{
		DomainRules:    []rules.Rule{rule("w", rules.Write)},
		EncodingRules:  []rules.Rule{rule("wr", rules.WriteRead)},
		MigrationRules: []rules.Rule{rule("ud", rules.UpDown)},
	}
	cases := []struct {
		phase rules.Phase
		mode  rules.Mode
		want  bool
	}{
		{rules.Domain, rules.Write, true},
		{rules.Domain, rules.Read, false},
		{rules.Domain, rules.WriteRead, false},
		{rules.Encoding, rules.Read, true},
		{rules.Encoding, rules.WriteRead, true},
		{rules.Encoding, rules.Upgrade, false},
		{rules.Migration, rules.Upgrade, true},
		{rules.Migration, rules.Downgrade, true},
		{rules.Migration, rules.UpDown, true},
		{rules.Migration, rules.Write, false},
	}
	for _, c := range cases {
		if got := rs.HasRules(c.phase, c.mode); got != c.want {
			t.Errorf("HasRules(%d, %s) = %v", c.phase, c.mode, got)
		}
	}
	var none *rules.RuleSet
	if none.HasRules(rules.Domain, rules.Write) {
		t.Error("a nil rule set has rules")
	}
}
