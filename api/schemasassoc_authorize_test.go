package api

import (
	"encoding/json"
	"net/url"
	"testing"
)

// TestSchemasAssociationAuthorization lists /schemas with association filters under
// teamsPolicy: a caller sees only the schemas of subjects it may read, and the associations
// attached to them name only those subjects, even when a resource also binds a subject it
// may not read.
func TestSchemasAssociationAuthorization(t *testing.T) {
	base := teamServer(t)
	for _, s := range []string{"payments-value", "payments-key", "orders-value", "shared-money"} {
		mustStatus(t, base, "POST", "/subjects/"+url.PathEscape(s)+"/versions", schemaInt, as("ops"), 200)
	}
	// One resource binds a payments subject and an orders subject.
	mustStatus(t, base, "POST", "/associations",
		`{"resourceName":"mixed","resourceNamespace":"lkc","resourceId":"tm","associations":[`+
			`{"subject":"payments-value"},{"associationType":"key","subject":"orders-value"}]}`, as("ops"), 200)

	for _, tc := range []struct {
		user, query string
		want        map[string][]string // subject → subjects named by its associations
	}{
		{"payments", "lifecycle=WEAK", map[string][]string{"payments-value": {"payments-value"}}},
		{"payments", "resourceType=topic", map[string][]string{"payments-value": {"payments-value"}}},
		{"payments", "lifecycle=NONE", map[string][]string{"payments-key": nil, "shared-money": nil}},
		{"orders", "associationType=key", map[string][]string{"orders-value": {"orders-value"}}},
		{"orders", "associationType=value", map[string][]string{}},
		{"analytics", "lifecycle=WEAK", map[string][]string{"orders-value": {"orders-value"}, "payments-value": {"payments-value"}}},
	} {
		got, _ := do(t, "GET", base+"/schemas?"+tc.query, "", as(tc.user))
		if got.Status != 200 {
			t.Fatalf("%s /schemas?%s = %+v", tc.user, tc.query, got)
		}
		var list []struct {
			Subject      string
			Associations []struct{ Subject string }
		}
		if err := json.Unmarshal([]byte(got.Body), &list); err != nil {
			t.Fatal(err)
		}
		seen := map[string][]string{}
		for _, s := range list {
			named := []string(nil)
			for _, a := range s.Associations {
				named = append(named, a.Subject)
			}
			seen[s.Subject] = named
		}
		if !equalNamed(seen, tc.want) {
			t.Errorf("%s /schemas?%s lists %v, want %v", tc.user, tc.query, seen, tc.want)
		}
	}
}

func equalNamed(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || len(v) != len(w) {
			return false
		}
		for i := range v {
			if v[i] != w[i] {
				return false
			}
		}
	}
	return true
}
