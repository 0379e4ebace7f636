package api

import "testing"

// readerRules add a principal that reads every subject and writes orders-*: what the
// store's own check of an alias target must not take for a write.
const readerRules = `
  - principals: [reader]
    subjects: ["*"]
    access: read
  - principals: [reader]
    subjects: ["orders-*", ":.lkc-1:orders-*"]
    access: write
`

// TestAuthorizeAssociationThroughAlias: an association names a subject, and the store
// follows its alias, so the write is authorized against the target, as registrations
// through an alias are (review finding 4): a caller may not associate, and so pin against
// deletion, a subject it may not write.
func TestAuthorizeAssociationThroughAlias(t *testing.T) {
	base := policyServer(t, hashTeamPassword(t), []string{"reader"}, readerRules).URL
	seedReview(t, base)
	mustStatus(t, base, "PUT", "/config/orders-alias", `{"alias":"payments-secret"}`, as("ops"), 200)
	mustStatus(t, base, "PUT", "/config/:.lkc-1:orders-t-value", `{"alias":":.:payments-secret"}`, as("ops"), 200)
	weak := func(subject string) string {
		return `{"resourceName":"t1","resourceNamespace":"lkc-1","resourceId":"rid-1","resourceType":"topic",` +
			`"associations":[{"subject":"` + subject + `","associationType":"value","lifecycle":"WEAK"}]}`
	}
	const strong = `{"resourceName":"orders-t","resourceNamespace":"lkc-1","resourceId":"rid-2","resourceType":"topic",` +
		`"associations":[{"associationType":"value","schema":` + `{"schema":"{\"type\":\"record\",\"name\":\"PaymentsSecret\",\"fields\":[{\"name\":\"f\",\"type\":\"string\"},{\"name\":\"g\",\"type\":\"string\",\"default\":\"\"}]}"}}]}`
	const target = "Subject: payments-secret"
	checkCases(t, base, []authCase{
		{"orders", "POST", "/associations", weak("payments-secret"), 403, "User is denied operation Write on " + target},
		{"orders", "POST", "/associations", weak("orders-alias"), 403, "User is denied operation Write on " + target},
		{"orders", "PUT", "/associations/resources/rid-1", weak("orders-alias"), 403, "User is denied operation Write on " + target},
		{"reader", "POST", "/associations", weak("orders-alias"), 403, "User is denied operation Write on " + target},
		{"reader", "POST", "/associations", strong, 403, "User is denied operation Write on " + target},
		{"orders", "POST", "/associations", weak("orders-a"), 200, ""},
	})
	got, _ := do(t, "GET", base+"/associations/subjects/payments-secret", "", as("ops"))
	if got.Body != "[]" {
		t.Errorf("payments-secret's associations after the attempts: %+v", got)
	}
	got, _ = do(t, "GET", base+"/subjects/payments-secret/versions", "", as("ops"))
	if got.Body != "[1]" {
		t.Errorf("payments-secret's versions after the attempts: %+v", got)
	}
}
