package rules_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/serde/rules"
)

// The examples of Confluent's WildcardMatcher, and the edges of each wildcard.
func TestMatchPath(t *testing.T) {
	cases := []struct {
		name, pattern string
		want          bool
	}{
		{"eve", "eve*", true},
		{"alice.bob.eve", "a*.bob.eve", true},
		{"alice.bob.eve", "a*.bob.e*", true},
		{"alice.bob.eve", "a*", false},
		{"alice.bob.eve", "a**", true},
		{"alice.bob.eve", "alice.bob*", false},
		{"alice.bob.eve", "alice.bob**", true},
		{"alice.bob.eve", "alice.bob.eve", true},
		{"alice.bob.eve", "alice.bob.ev", false},
		{"alice.bob.eve", "alice.bob.ev?", true},
		{"alice.bob.eve", "alice.bob?eve", false},
		{"alice.bob.eve", "alice.b?b.*", true},
		{"alice.bob.eve", "**.eve", true},
		{"alice.bob.eve", "**.*", true},
		{"alice.bob.eve", "alice.**.*", true},
		{"alice.eve", "alice.**.eve", false},
		{"alice.x.y.eve", "alice.**.eve", true},
		{"alice.bob.eve", "*.*.*", true},
		{"alice.bob.eve", "*.*", false},
		{"a+b", "a+b", true},
		{"axb", "a.b", false},
		{`a\b`, `a\b`, true},
		{`a\b`, `a\\b`, false},
		{"", "*", true},
		{"", "?", false},
		{"é.x", "?.x", true},
		{"a.b.c", "a.b.c.**", false},
		{"a.b.c", "a.b.c**", true},
		{strings.Repeat("a", 200), strings.Repeat("*a", 30) + "*b", false}, // exponential for a backtracking matcher
		{strings.Repeat("x.", 100) + "y", strings.Repeat("**.", 20) + "y", true},
		{strings.Repeat("n", 300), strings.Repeat("?", 300), true}, // a pattern past the stack-held states
	}
	for _, c := range cases {
		if got := rules.MatchPath(c.name, c.pattern); got != c.want {
			t.Errorf("MatchPath(%q, %q) = %v, want %v", c.name, c.pattern, got, c.want)
		}
	}
}

func TestFieldTags(t *testing.T) {
	rc := rcFor(rules.Write, nil)
	inline := []string{"PII"}
	if got := rules.FieldTags(rc, "Rec.name", inline); &got[0] != &inline[0] {
		t.Error("without metadata tags the inline tags are returned as they are")
	}
	rc.Target.Metadata = &rules.Metadata{Tags: map[string][]string{
		"Rec.name":  {"PII", "NAME"},
		"**.na?e":   {"SHORT"},
		"Rec.*":     {"REC"},
		"Other.*":   {"NO"},
		"Rec.name.": {"NO"},
	}}
	got := rules.FieldTags(rc, "Rec.name", inline)
	if diff := cmp.Diff([]string{"NAME", "PII", "REC", "SHORT"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"PII"}, inline); diff != "" {
		t.Errorf("the inline tags changed (-want +got):\n%s", diff)
	}
}

func TestSelected(t *testing.T) {
	rc := rcFor(rules.Write, nil)
	if !rules.Selected(rc, nil) {
		t.Error("a rule without tags applies to every field")
	}
	rc.Rule.Tags = []string{"PII", "SECRET"}
	for tags, want := range map[string]bool{"PII": true, "SECRET": true, "OTHER": false, "": false} {
		var ft []string
		if tags != "" {
			ft = []string{"X", tags}
		}
		if got := rules.Selected(rc, ft); got != want {
			t.Errorf("Selected(%v) = %v", ft, got)
		}
	}
	rc.Target.Metadata = &rules.Metadata{Tags: map[string][]string{"Rec.c*": {"SECRET"}}}
	if !rules.SelectField(rc, "Rec.city", nil) || rules.SelectField(rc, "Rec.name", []string{"NAME"}) {
		t.Error("SelectField")
	}
}

func TestSuppressed(t *testing.T) {
	pii := rule("p1", rules.WriteRead, typ("ENCRYPT"), tags("PII"))
	same := rule("p2", rules.WriteRead, typ("ENCRYPT"), tags("PII"))
	otherMode := rule("p3", rules.Write, typ("ENCRYPT"), tags("PII"))
	otherOrder := rule("p4", rules.WriteRead, typ("ENCRYPT"), tags("PII", "X"))
	cond := rule("p5", rules.WriteRead, typ("ENCRYPT"), tags("PII"), kind(rules.Condition))
	cases := []struct {
		name  string
		mode  rules.Mode
		list  []rules.Rule
		index int
		want  bool
	}{
		{"write: an earlier twin", rules.Write, []rules.Rule{pii, same}, 1, true},
		{"write: the first of twins runs", rules.Write, []rules.Rule{pii, same}, 0, false},
		{"read: a later twin", rules.Read, []rules.Rule{pii, same}, 0, true},
		{"read: the last of twins runs", rules.Read, []rules.Rule{pii, same}, 1, false},
		{"upgrade is like write", rules.Upgrade, []rules.Rule{pii, same}, 1, true},
		{"downgrade is like read", rules.Downgrade, []rules.Rule{pii, same}, 0, true},
		{"another mode", rules.Write, []rules.Rule{otherMode, pii}, 1, false},
		{"other tags", rules.Write, []rules.Rule{otherOrder, pii}, 1, false},
		{"conditions are not transforms", rules.Write, []rules.Rule{cond, pii}, 1, false},
		{"no tags", rules.Write, []rules.Rule{rule("a", rules.Write), rule("b", rules.Write)}, 1, false},
	}
	for _, c := range cases {
		rc := rcFor(c.mode, nil)
		rc.Rules, rc.Index, rc.Rule = c.list, c.index, c.list[c.index]
		if got := rules.Suppressed(rc); got != c.want {
			t.Errorf("%s: Suppressed = %v", c.name, got)
		}
	}
}

func BenchmarkMatchPath(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if !rules.MatchPath("com.acme.Order.customer.email", "**.customer.e*") {
			b.Fatal("no match")
		}
	}
}
