package api

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The review's extra principals: ordadmin administers orders-*, subjadmin administers every
// subject but has no global grant, globaladmin has only the global grant.
const reviewRules = `
  - principals: [ordadmin]
    subjects: ["orders-*"]
    access: admin
  - principals: [subjadmin]
    subjects: ["*"]
    access: admin
  - principals: [globaladmin]
    global: admin
`

var reviewUsers = []string{"ordadmin", "subjadmin", "globaladmin"}

// recordSchema is a registration body whose Avro record is called name: a marker a test can
// look for in answers.
func recordSchema(name string) string {
	return `{"schema":"{\"type\":\"record\",\"name\":\"` + name + `\",\"fields\":[{\"name\":\"f\",\"type\":\"string\"}]}"}`
}

// withRef is a registration body whose record has a field of the type a reference brings in.
func withRef(name, typeName, subject string, version int) string {
	return `{"schema":"{\"type\":\"record\",\"name\":\"` + name + `\",\"fields\":[{\"name\":\"p\",\"type\":\"` + typeName + `\"}]}",` +
		`"references":[{"name":"` + typeName + `","subject":"` + subject + `","version":` + itoa(version) + `}]}`
}

func itoa(n int) string { return strconv.Itoa(n) }

// hiddenMarkers are the record names of the seeded subjects that the restricted principals
// in these tests may not read; no answer to them may contain one.
var hiddenMarkers = []string{"PaymentsSecret", "InternalOrders", "InternalPayments", "SecretKeys"}

// seedReview registers the review's subjects as ops: each a record named after it.
func seedReview(t *testing.T, base string) {
	t.Helper()
	for subject, record := range map[string]string{
		"payments-secret":           "PaymentsSecret",
		"orders-a":                  "OrdersA",
		"shared-types":              "SharedTypes",
		":.staging:orders-x":        "StagingOrders",
		":.internal:orders-legacy":  "InternalOrders",
		":.internal:payments-value": "InternalPayments",
		":.secret:shared-keys":      "SecretKeys",
	} {
		mustStatus(t, base, "POST", "/subjects/"+url.PathEscape(subject)+"/versions", recordSchema(record), as("ops"), 200)
	}
}

type authCase struct {
	user, method, path, body string
	want                     int
	message                  string // the 403's message, when checked
}

func checkCases(t *testing.T, base string, cases []authCase) {
	t.Helper()
	for _, tc := range cases {
		got, _ := do(t, tc.method, base+tc.path, tc.body, as(tc.user))
		if got.Status != tc.want {
			t.Errorf("%s %s %s = %+v, want %d", tc.user, tc.method, tc.path, got, tc.want)
			continue
		}
		if tc.want == 403 && !strings.Contains(got.Body, `"error_code":40301`) {
			t.Errorf("%s %s %s: body %s, want Confluent's 40301", tc.user, tc.method, tc.path, got.Body)
		}
		if tc.message != "" && got != errorAnswer(403, 40301, tc.message) {
			t.Errorf("%s %s %s: %+v, want the message %q", tc.user, tc.method, tc.path, got, tc.message)
		}
	}
}

// TestAuthorizeContextFallback: an unqualified subject missing from the default context is
// served from another context (Confluent's fallback); the caller must be allowed on that
// context's subject, not only on the name it asked for (review finding 2).
func TestAuthorizeContextFallback(t *testing.T) {
	base := policyServer(t, hashTeamPassword(t), nil, "").URL
	seedReview(t, base)
	const internal = "User is denied operation Read on Subject: :.internal:payments-value"
	checkCases(t, base, []authCase{
		{"payments", "GET", "/subjects/%3A.internal%3Apayments-value/versions/1", "", 403, ""},
		{"payments", "GET", "/subjects/payments-value/versions/1", "", 403, internal},
		{"payments", "GET", "/subjects/payments-value/versions/latest", "", 403, internal},
		{"payments", "GET", "/subjects/payments-value/versions", "", 403, internal},
		{"payments", "GET", "/subjects/payments-value/versions/1/schema", "", 403, internal},
		{"payments", "GET", "/subjects/payments-value/versions/1/referencedby", "", 403, internal},
		{"payments", "GET", "/subjects/payments-value/metadata", "", 403, internal},
		{"payments", "POST", "/subjects/payments-value", recordSchema("InternalPayments"), 403, internal},
		{"orders", "GET", "/subjects/shared-keys/versions/latest", "", 403, "User is denied operation Read on Subject: :.secret:shared-keys"},
		{"payments", "GET", "/subjects/shared-keys/versions/1/schema", "", 403, ""},
		{"payments", "GET", "/contexts/.secret/subjects/shared-keys/versions/1", "", 403, ""},
		// Allowed on both names: served.
		{"orders", "GET", "/subjects/orders-x/versions/latest", "", 200, ""},
		{"analytics", "GET", "/subjects/payments-value/versions/1", "", 200, ""},
		{"ops", "POST", "/subjects/shared-keys", recordSchema("SecretKeys"), 200, ""},
	})
}

// TestAuthorizeReferences: a reference is a read of the subject it names, checked before it
// is resolved; resolved text and referencedby never show what the caller may not read
// (review finding 3).
func TestAuthorizeReferences(t *testing.T) {
	base := policyServer(t, hashTeamPassword(t), nil, "").URL
	seedReview(t, base)
	// ops builds what orders may read but not resolve: shared-wrap refers to payments-secret.
	mustStatus(t, base, "POST", "/subjects/shared-wrap/versions", withRef("Wrap", "PaymentsSecret", "payments-secret", 1), as("ops"), 200)
	mustStatus(t, base, "POST", "/subjects/orders-refleak/versions", withRef("Leak", "PaymentsSecret", "payments-secret", 1), as("ops"), 200)
	mustStatus(t, base, "POST", "/subjects/orders-fine/versions", withRef("Fine", "OrdersA", "orders-a", 1), as("ops"), 200)
	leakID := schemaID(t, base, "orders-refleak")
	const secret = "User is denied operation Read on Subject: payments-secret"
	checkCases(t, base, []authCase{
		// Registration, lookup and checks name it; an unknown subject is refused the same way
		// (no "no schema reference found" oracle).
		{"orders", "POST", "/subjects/orders-new/versions", withRef("Leak", "PaymentsSecret", "payments-secret", 1), 403, secret},
		{"orders", "POST", "/subjects/orders-new/versions", withRef("Leak", "PaymentsSecret", "payments-secret", -1), 403, secret},
		{"orders", "POST", "/subjects/orders-new/versions", withRef("Leak", "X", "payments-nonexist", 1), 403,
			"User is denied operation Read on Subject: payments-nonexist"},
		{"orders", "POST", "/subjects/orders-new/versions", withRef("Leak", "X", ":.internal:payments-value", 1), 403, ""},
		{"orders", "POST", "/subjects/orders-a", withRef("Leak", "PaymentsSecret", "payments-secret", 1), 403, secret},
		{"orders", "POST", "/compatibility/subjects/orders-a/versions/latest", withRef("Leak", "PaymentsSecret", "payments-secret", 1), 403, secret},
		{"orders", "POST", "/compatibility/subjects/orders-a/versions", withRef("Leak", "PaymentsSecret", "payments-secret", 1), 403, secret},
		// Transitively: shared-wrap is readable, what it refers to is not.
		{"orders", "POST", "/subjects/orders-new/versions", withRef("W", "Wrap", "shared-wrap", 1), 403, secret},
		// A readable reference is fine.
		{"orders", "POST", "/subjects/orders-new/versions", withRef("Fine2", "OrdersA", "orders-a", 1), 200, ""},
		{"orders", "POST", "/subjects/orders-new/versions", withRef("Fine3", "X", "orders-nonexist", 1), 422, ""},
		// Resolved text of a readable schema that inlines an unreadable one is refused.
		{"orders", "GET", "/subjects/orders-refleak/versions/latest/schema?format=resolved", "", 403, secret},
		{"orders", "GET", "/subjects/orders-refleak/versions/1?format=resolved", "", 403, secret},
		{"orders", "GET", "/schemas/ids/" + itoa(leakID) + "?format=resolved", "", 403, secret},
		{"orders", "GET", "/schemas/ids/" + itoa(leakID) + "/schema?format=resolved", "", 403, secret},
		{"orders", "GET", "/subjects/shared-wrap/versions/1/schema?format=resolved", "", 403, secret},
		{"orders", "GET", "/subjects/orders-refleak/versions/latest/schema", "", 200, ""},
		{"orders", "GET", "/subjects/orders-fine/versions/1/schema?format=resolved", "", 200, ""},
		{"ops", "GET", "/subjects/orders-refleak/versions/1/schema?format=resolved", "", 200, ""},
	})
	// referencedby lists only the referrers the caller may read: payments reads shared-wrap,
	// not orders-refleak.
	for _, tc := range []struct{ user, want string }{
		{"payments", "[" + itoa(schemaID(t, base, "shared-wrap")) + "]"},
		{"ops", "[" + itoa(schemaID(t, base, "shared-wrap")) + "," + itoa(leakID) + "]"},
	} {
		got, _ := do(t, "GET", base+"/subjects/payments-secret/versions/1/referencedby", "", as(tc.user))
		if got.Status != 200 || got.Body != tc.want {
			t.Errorf("%s: referencedby = %+v, want %s", tc.user, got, tc.want)
		}
	}
	got, _ := do(t, "GET", base+"/subjects/orders-a/versions/1/referencedby", "", as("orders"))
	if want := "[" + itoa(schemaID(t, base, "orders-fine")) + "," + itoa(schemaID(t, base, "orders-new")) + "]"; got.Status != 200 || got.Body != want {
		t.Errorf("orders: referencedby of orders-a = %+v, want %s", got, want)
	}
}

// schemaID is the id of the latest version of subject, read as ops.
func schemaID(t *testing.T, base, subject string) int {
	t.Helper()
	got, _ := do(t, "GET", base+"/subjects/"+url.PathEscape(subject)+"/versions/latest", "", as("ops"))
	m := regexp.MustCompile(`"id":(\d+)`).FindStringSubmatch(got.Body)
	if got.Status != 200 || m == nil {
		t.Fatalf("latest of %s: %+v", subject, got)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAuthorizeAlias: setting an alias needs admin on its target too; a request through an
// alias needs the access on the target as well as on the name used (review finding 4).
func TestAuthorizeAlias(t *testing.T) {
	base := policyServer(t, hashTeamPassword(t), reviewUsers, reviewRules).URL
	seedReview(t, base)
	mustStatus(t, base, "PUT", "/config/orders-alias", `{"alias":"payments-secret"}`, as("ops"), 200)
	mustStatus(t, base, "PUT", "/config/orders-ok", `{"alias":"orders-a"}`, as("ops"), 200)
	const target = "Subject: payments-secret"
	checkCases(t, base, []authCase{
		{"ordadmin", "PUT", "/config/orders-alias2", `{"alias":"payments-secret"}`, 403, "User is denied operation Admin on " + target},
		{"ordadmin", "PUT", "/config/orders-alias2", `{"alias":":.secret:shared-keys"}`, 403, "User is denied operation Admin on Subject: :.secret:shared-keys"},
		{"ordadmin", "PUT", "/config/orders-alias2", `{"alias":":.staging:orders-x"}`, 403,
			"User is denied operation Admin on Subject: :.staging:orders-x"},
		// An unqualified alias is qualified in the aliasing subject's context.
		{"subjadmin", "PUT", "/config/:.staging:orders-alias5", `{"alias":"orders-x"}`, 200, ""},
		{"orders", "GET", "/subjects/:.staging:orders-alias5/versions/latest", "", 200, ""},
		{"ordadmin", "PUT", "/config/orders-alias3", `{"alias":"orders-a"}`, 200, ""},
		{"ordadmin", "PUT", "/config/orders-alias3", `{"compatibility":"NONE"}`, 200, ""},
		{"orders", "GET", "/subjects/orders-alias/versions/latest", "", 403, "User is denied operation Read on " + target},
		{"orders", "GET", "/subjects/orders-alias/versions", "", 403, ""},
		{"orders", "POST", "/subjects/orders-alias", recordSchema("PaymentsSecret"), 403, ""},
		{"orders", "POST", "/subjects/orders-alias/versions", recordSchema("Evil"), 403, "User is denied operation Write on " + target},
		{"orders", "DELETE", "/subjects/orders-alias/versions/1", "", 403, "User is denied operation Write on " + target},
		{"orders", "DELETE", "/subjects/orders-alias", "", 403, ""},
		{"orders", "POST", "/compatibility/subjects/orders-alias/versions/latest", recordSchema("Evil"), 403, ""},
		// The name used must be allowed too.
		{"payments", "GET", "/subjects/orders-alias/versions/latest", "", 403, "User is denied operation Read on Subject: orders-alias"},
		// An alias within what the caller may do works.
		{"orders", "GET", "/subjects/orders-ok/versions/latest", "", 200, ""},
		{"ops", "GET", "/subjects/orders-alias/versions/latest", "", 200, ""},
	})
	got, _ := do(t, "GET", base+"/subjects/payments-secret/versions", "", as("ops"))
	if got.Body != "[1]" {
		t.Errorf("payments-secret's versions after the attempts: %+v", got)
	}
}

// TestAuthorizeGlobalSpellings: every spelling of the global or a context's config and mode
// needs the global grant, never a subject grant (review finding 7).
func TestAuthorizeGlobalSpellings(t *testing.T) {
	base := policyServer(t, hashTeamPassword(t), reviewUsers, reviewRules).URL
	seedReview(t, base)
	spellings := []string{"/config/%3A.%3A", "/config/:.:", "/config/:.__GLOBAL:", "/contexts/./config",
		"/config/:.staging:", "/contexts/.staging/config", "/contexts/staging/config",
		"/mode/:.:", "/mode/:.__GLOBAL:", "/contexts/./mode", "/mode/:.staging:", "/contexts/.staging/mode"}
	var cases []authCase
	for _, p := range spellings {
		body := `{"compatibility":"NONE"}`
		if strings.Contains(p, "mode") {
			body = `{"mode":"READWRITE"}`
		}
		cases = append(cases,
			authCase{"subjadmin", "PUT", p, body, 403, "User is denied operation Admin on the global config and mode"},
			authCase{"subjadmin", "DELETE", p, "", 403, ""},
			authCase{"subjadmin", "GET", p, "", 403, "User is denied operation Read on the global config and mode"},
			authCase{"globaladmin", "PUT", p, body, 200, ""},
			authCase{"analytics", "GET", p, "", 200, ""},
			authCase{"analytics", "PUT", p, body, 403, ""},
		)
	}
	// A subject's own settings stay a subject grant.
	cases = append(cases,
		authCase{"subjadmin", "PUT", "/config/orders-a", `{"compatibility":"NONE"}`, 200, ""},
		authCase{"subjadmin", "PUT", "/config/:.staging:orders-x", `{"compatibility":"NONE"}`, 200, ""},
		authCase{"subjadmin", "PUT", "/contexts/.staging/mode/orders-x", `{"mode":"READWRITE"}`, 200, ""},
		authCase{"globaladmin", "PUT", "/config/orders-a", `{"compatibility":"NONE"}`, 403, ""},
	)
	checkCases(t, base, cases)
	got, _ := do(t, "GET", base+"/config", "", as("ops"))
	if !strings.Contains(got.Body, `"compatibilityLevel":"NONE"`) {
		t.Errorf("the global config after globaladmin's changes: %+v", got)
	}
}

// TestAuthorizeEveryRoute walks the route table: every route that names a subject, asked by
// orders for a name its rules allow that the store serves from a subject they do not (through
// the context fallback, or an alias ops set), answers nothing of the hidden subject and changes
// nothing in it. A new route is walked without being listed here. GETs share a server; any
// other method gets a fresh one, since a registration in the default context would end the
// fallback.
func TestAuthorizeEveryRoute(t *testing.T) {
	hash := hashTeamPassword(t)
	param := regexp.MustCompile(`:[a-z]+`)
	fresh := func() string {
		api := policyServer(t, hash, nil, "")
		seedReview(t, api.URL)
		mustStatus(t, api.URL, "PUT", "/config/orders-alias", `{"alias":"payments-secret"}`, as("ops"), 200)
		return api.URL
	}
	shared := fresh()
	walked := 0
	for _, r := range New(Config{}).Routes() {
		if !strings.Contains(r.Path, ":subject") {
			continue
		}
		base := shared
		if r.Method != "GET" {
			base = fresh()
		}
		for _, via := range []struct{ name, marker string }{
			{"orders-alias", "PaymentsSecret"},  // ops aliased it to payments-secret
			{"orders-legacy", "InternalOrders"}, // only :.internal:orders-legacy exists
		} {
			walked++
			path := param.ReplaceAllStringFunc(r.Path, func(p string) string {
				return map[string]string{":subject": via.name, ":version": "1"}[p]
			})
			got, _ := do(t, r.Method, base+path, routeBody(r.Method, r.Path, via.marker), as("orders"))
			for _, m := range hiddenMarkers {
				if strings.Contains(got.Body, m) {
					t.Errorf("%s %s: %+v shows the hidden %s", r.Method, path, got, m)
				}
			}
			subjectRoute := strings.HasPrefix(r.Path, "/subjects/") || strings.HasPrefix(r.Path, "/compatibility/")
			readRoute := r.Method == "GET" || (r.Method == "POST" && r.Path == "/subjects/:subject")
			if ((via.name == "orders-alias" && subjectRoute) || (subjectRoute && readRoute)) && got.Status != 403 {
				t.Errorf("%s %s = %+v, want 403", r.Method, path, got)
			}
			checkUntouched(t, base)
		}
	}
	if walked < 30 {
		t.Errorf("walked %d route cases; the route table lost its subject routes?", walked)
	}
}

// routeBody is a request body the route accepts: the hidden schema itself for lookups (which
// answer it only when they find it), another for registrations and checks, a setting for
// config and mode.
func routeBody(method, path, marker string) string {
	switch {
	case method != "POST" && method != "PUT":
		return ""
	case path == "/subjects/:subject":
		return recordSchema(marker)
	case strings.HasPrefix(path, "/config"):
		return `{"compatibility":"NONE","alias":"orders-a"}`
	case strings.HasPrefix(path, "/mode"):
		return `{"mode":"READONLY"}`
	}
	return recordSchema("Probe")
}

// checkUntouched: the hidden subjects still have exactly their seeded version, and no config
// or mode of their own.
func checkUntouched(t *testing.T, base string) {
	t.Helper()
	for _, s := range []string{"payments-secret", ":.internal:orders-legacy"} {
		e := url.PathEscape(s)
		if got, _ := do(t, "GET", base+"/subjects/"+e+"/versions", "", as("ops")); got.Body != "[1]" {
			t.Errorf("%s's versions: %+v", s, got)
		}
		for _, p := range []string{"/config/", "/mode/"} {
			if got, _ := do(t, "GET", base+p+e, "", as("ops")); got.Status != 404 {
				t.Errorf("%s%s: %+v", p, s, got)
			}
		}
	}
}

// TestUnroutedMethod405: a method no route has answers as it does without authentication
// (405 with Confluent's body, or 204 for OPTIONS), whoever asks (review finding 13).
func TestUnroutedMethod405(t *testing.T) {
	open := serveHTTP(t, New(Config{Store: openTestStore(t), Logger: testLogger(t)})).URL
	base := teamServer(t)
	mustStatus(t, base, "POST", "/subjects/orders-a/versions", schemaInt, as("ops"), 200)
	mustStatus(t, open, "POST", "/subjects/orders-a/versions", schemaInt, nil, 200)
	if got, _ := do(t, "PATCH", open+"/subjects/orders-a/versions/1", "", nil); got != errorAnswer(405, 405, "HTTP 405 Method Not Allowed") {
		t.Fatalf("PATCH without authentication: %+v", got)
	}
	for _, method := range []string{"PATCH", "TRACE", "HEAD", "OPTIONS", "PROPFIND"} {
		for _, path := range []string{"/subjects/orders-a/versions/1", "/subjects/payments-x/versions", "/config/orders-a", "/schemas/ids/1", "/mode"} {
			want, wantHeader := do(t, method, open+path, "", nil)
			for _, user := range []string{"orders", "payments", "analytics", "ops"} {
				got, header := do(t, method, base+path, "", as(user))
				if got != want || header.Get("Allow") != wantHeader.Get("Allow") {
					t.Errorf("%s %s %s = %+v (Allow %q), want %+v (Allow %q)", user, method, path, got, header.Get("Allow"), want, wantHeader.Get("Allow"))
				}
			}
		}
	}
}

// TestAuthorizeNamesInAnswers: answers that name subjects besides the one authorized name
// only readable ones: the aliases of /schemas?aliases=true, and the subject-version a
// schema-by-id answer reports for ?subject=.
func TestAuthorizeNamesInAnswers(t *testing.T) {
	base := policyServer(t, hashTeamPassword(t), nil, "").URL
	seedReview(t, base)
	mustStatus(t, base, "PUT", "/config/orders-alias", `{"alias":"payments-secret"}`, as("ops"), 200)
	mustStatus(t, base, "POST", "/subjects/orders-same/versions", recordSchema("PaymentsSecret"), as("ops"), 200)
	got, _ := do(t, "GET", base+"/schemas?aliases=true", "", as("payments"))
	if got.Status != 200 || !strings.Contains(got.Body, `"subject":"payments-secret"`) || strings.Contains(got.Body, "orders-alias") {
		t.Errorf("payments GET /schemas?aliases=true = %+v, want payments-secret without the orders alias", got)
	}
	if got, _ := do(t, "GET", base+"/schemas?aliases=true", "", as("ops")); !strings.Contains(got.Body, `"aliases":["orders-alias"]`) {
		t.Errorf("ops GET /schemas?aliases=true = %+v, want the alias", got)
	}
	id := itoa(schemaID(t, base, "orders-same"))
	got, _ = do(t, "GET", base+"/schemas/ids/"+id+"?subject=payments-secret", "", as("orders"))
	if got.Status != 200 || strings.Contains(got.Body, "payments-secret") {
		t.Errorf("orders GET /schemas/ids/%s?subject=payments-secret = %+v, want the schema without payments-secret", id, got)
	}
	got, _ = do(t, "GET", base+"/schemas/ids/"+id+"?subject=orders-same", "", as("orders"))
	if got.Status != 200 || !strings.Contains(got.Body, `"subject":"orders-same"`) {
		t.Errorf("orders GET /schemas/ids/%s?subject=orders-same = %+v, want its subject", id, got)
	}
}
