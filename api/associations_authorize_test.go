package api

import (
	"net/url"
	"strings"
	"testing"
)

// TestAssociationAuthorization runs the association endpoints under teamsPolicy: a write
// needs Write on every subject it names or implies (in the request's context), a cascading
// delete Admin, and the reads, batch lookups included, show only readable subjects.
func TestAssociationAuthorization(t *testing.T) {
	base := teamServer(t)
	for _, s := range []string{"payments-value", "payments-key", "orders-value", "shared-money", ":.staging:orders-x", ":.staging:payments-value"} {
		mustStatus(t, base, "POST", "/subjects/"+url.PathEscape(s)+"/versions", schemaInt, as("ops"), 200)
	}
	// The operator gives payments and orders a WEAK association each, and orders a STRONG topic.
	mustStatus(t, base, "POST", "/associations",
		`{"resourceName":"pay","resourceNamespace":"lkc","resourceId":"tp","associations":[{"subject":"payments-value"}]}`, as("ops"), 200)
	mustStatus(t, base, "POST", "/associations",
		`{"resourceName":"ord","resourceNamespace":"lkc","resourceId":"to","associations":[{"subject":"orders-value"}]}`, as("ops"), 200)
	mustStatus(t, base, "POST", "/associations",
		`{"resourceName":"strong","resourceNamespace":"lkc","resourceId":"ts","associations":[{"schema":`+schemaInt+`}]}`, as("ops"), 200)

	for _, tc := range []struct {
		user, method, path, body string
		want                     int
		contains                 string
	}{
		// Creates and upserts: the subject named, in the request's context.
		{"payments", "POST", "/associations", `{"resourceName":"p2","resourceNamespace":"lkc","resourceId":"t2","associations":[{"subject":"orders-value"}]}`, 403, "Write on Subject: orders-value"},
		{"payments", "POST", "/associations?context=:.staging:", `{"resourceName":"p2","resourceNamespace":"lkc","resourceId":"t2","associations":[{"subject":"payments-value"}]}`, 403, "Subject: :.staging:payments-value"},
		{"orders", "POST", "/associations?context=:.staging:", `{"resourceName":"o2","resourceNamespace":"lkc","resourceId":"t3","associations":[{"subject":"orders-x"}]}`, 200, `"subject":":.staging:orders-x"`},
		// The default subject of a topic is a subject too.
		{"payments", "POST", "/associations", `{"resourceName":"p3","resourceNamespace":"lkc","resourceId":"t4","associations":[{"schema":` + schemaInt + `}]}`, 403, "Subject: :.lkc:p3-value"},
		{"payments", "PUT", "/associations/resources/tp", `{"resourceName":"pay","resourceNamespace":"lkc","associations":[{"associationType":"key","subject":"orders-value"}]}`, 403, "Subject: orders-value"},
		{"payments", "PUT", "/associations/resources/tp", `{"resourceName":"pay","resourceNamespace":"lkc","associations":[{"associationType":"key","subject":"payments-key"}]}`, 200, `"subject":"payments-key"`},
		{"payments", "PUT", "/associations/resources/to", `{"resourceName":"ord","resourceNamespace":"lkc","associations":[{"lifecycle":"WEAK"}]}`, 403, "Subject: orders-value\""},
		// Deletes: Write on the subjects deleted from, Admin to cascade.
		{"payments", "DELETE", "/associations/resources/to", "", 403, "Write on Subject: orders-value"},
		{"payments", "DELETE", "/associations/resources/tp?associationType=key&cascadeLifecycle=true", "", 403, "Admin on Subject: payments-key"},
		{"payments", "DELETE", "/associations/resources/tp?associationType=key", "", 204, ""},
		// Reads list only readable subjects.
		{"payments", "GET", "/associations/resources/to", "", 200, "[]"},
		{"payments", "GET", "/associations/subjects/orders-value", "", 200, "[]"},
		{"payments", "GET", "/associations/resources/-/-", "", 200, `"subject":"payments-value"`},
		{"analytics", "GET", "/associations/subjects/orders-value", "", 200, `"resourceId":"to"`},
		{"payments", "POST", "/associations:batchGet?includeSchemas=true", `{"requests":[{"resourceId":"to"},{"resourceId":"tp"}]}`, 207,
			`{"results":[{"result":{"resourceId":"to","resourceType":"topic"}},{"result":{"resourceName":"pay"`},
		{"analytics", "POST", "/associations:batchGet", `{"requests":[{"resourceId":"to"}]}`, 207, `"subject":"orders-value"`},
		// Batch mutations: a refused request is answered with its 40301, the others applied.
		{"payments", "POST", "/associations:batchMutate", `{"requests":[` +
			`{"resourceName":"ord","resourceNamespace":"lkc","resourceId":"to","associations":[{"opType":"DELETE"}]},` +
			`{"resourceName":"p5","resourceNamespace":"lkc","resourceId":"t5","associations":[{"opType":"CREATE","subject":"shared-money"}]},` +
			`{"resourceName":"p5","resourceNamespace":"lkc","resourceId":"t5","associations":[{"opType":"CREATE","subject":"orders-x"}]},` +
			`{"resourceName":"p6","resourceNamespace":"lkc","resourceId":"t6","associations":[{"opType":"CREATE","subject":"payments-value"}]}]}`, 207,
			`{"results":[{"error":{"error_code":40301,"message":"User is denied operation Write on Subject: orders-value"}},` +
				`{"error":{"error_code":40301,"message":"User is denied operation Write on Subject: shared-money"}},` +
				`{"error":{"error_code":40301,"message":"User is denied operation Write on Subject: orders-x"}},` +
				`{"result":{"resourceName":"p6"`},
		{"payments", "POST", "/associations:batchMutate?context=:.staging:", `{"requests":[` +
			`{"resourceName":"p7","resourceNamespace":"lkc","resourceId":"t7","associations":[{"opType":"CREATE","subject":"payments-value"}]}]}`, 207,
			`Write on Subject: :.staging:payments-value`},
		{"payments", "POST", "/associations:batchMutate", `{"requests":[` +
			`{"resourceName":"pay","resourceNamespace":"lkc","resourceId":"tp","associations":[{"opType":"DELETE","cascadeLifecycle":true}]}]}`, 207,
			`Admin on Subject: payments-value`},
		// An update without a subject writes the one its type has on the resource.
		{"payments", "POST", "/associations:batchMutate", `{"requests":[` +
			`{"resourceName":"ord","resourceNamespace":"lkc","resourceId":"to","associations":[{"opType":"UPSERT","lifecycle":"WEAK"}]}]}`, 207,
			`Write on Subject: orders-value"`},
		{"orders", "POST", "/associations:batchMutate", `{"requests":[` +
			`{"resourceName":"strong","resourceNamespace":"lkc","resourceId":"ts","associations":[{"opType":"UPSERT","lifecycle":"WEAK"}]}]}`, 207,
			`Write on Subject: :.lkc:strong-value`},
		{"ops", "POST", "/associations:batchMutate", `{"requests":[` +
			`{"resourceName":"pay","resourceNamespace":"lkc","resourceId":"tp","associations":[{"opType":"DELETE","cascadeLifecycle":true}]}]}`, 207,
			`{"results":[{"result":{"resourceName":"pay","resourceNamespace":"lkc","resourceId":"tp","resourceType":"topic"}}]}`},
	} {
		got, _ := do(t, tc.method, base+tc.path, tc.body, as(tc.user))
		if got.Status != tc.want || !strings.Contains(got.Body, tc.contains) {
			t.Errorf("%s %s %s = %+v, want %d with %s", tc.user, tc.method, tc.path, got, tc.want, tc.contains)
		}
		if tc.want == 403 && !strings.Contains(got.Body, `"error_code":40301`) {
			t.Errorf("%s %s %s: body %s, want Confluent's 40301", tc.user, tc.method, tc.path, got.Body)
		}
	}
}
