package avro

import (
	"testing"
)

// TestRuleTable keeps the rule table honest: unique IDs, a purpose each.
func TestRuleTable(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, r := range avroRuleTable() {
		if seen[r.id] || r.purpose == "" || r.applies == nil || r.check == nil {
			t.Errorf("rule %q: duplicate or incomplete", r.id)
		}
		seen[r.id] = true
	}
}
