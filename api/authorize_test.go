package api

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"github.com/accord-registry/accord/api/auth"
)

// teamsPolicy is the README's example: three teams and an operator.
const teamsPolicy = `
rules:
  # Payments owns its subjects and reads the shared types.
  - principals: [payments]
    subjects: ["payments-*"]
    access: write
  - principals: [payments, orders]
    subjects: ["shared-*"]
    access: read
  # Orders owns its subjects, in the default context and in .staging.
  - principals: [orders]
    subjects: ["orders-*", ":.staging:orders-*"]
    access: write
  # Analytics reads everything, in every context, and the global settings.
  - principals: [analytics]
    subjects: ["*"]
    access: read
    global: read
  # The operator does everything.
  - principals: [ops]
    subjects: ["*"]
    access: admin
    global: admin
`

const teamPassword = "team-password"

// teamServer serves an API whose users file is teamsPolicy, with one user per team.
func teamServer(t *testing.T) string {
	t.Helper()
	return policyServer(t, hashTeamPassword(t), nil, "").URL
}

// hashTeamPassword hashes teamPassword with bcrypt's lowest cost: the tests start many
// servers, each of which checks it once, and the cost is not what they test.
func hashTeamPassword(t *testing.T) string {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(teamPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(hash)
}

// policyServer serves an API whose users file is teamsPolicy followed by extraRules (more
// items of its rules list), with one user per team and the extra users, each with
// teamPassword (hash is its bcrypt hash, computed once per test).
func policyServer(t *testing.T, hash string, extraUsers []string, extraRules string) *teamAPI {
	t.Helper()
	var file strings.Builder
	file.WriteString("users:\n")
	for _, u := range append([]string{"payments", "orders", "analytics", "ops"}, extraUsers...) {
		file.WriteString("  - name: " + u + "\n    password: \"" + hash + "\"\n")
	}
	file.WriteString(teamsPolicy)
	file.WriteString(extraRules)
	path := filepath.Join(t.TempDir(), "users.yaml")
	if err := os.WriteFile(path, []byte(file.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	users, err := auth.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	e := New(Config{Store: openTestStore(t), Logger: testLogger(t), Authenticator: users, Policy: users})
	return &teamAPI{URL: serveHTTP(t, e).URL, Echo: e}
}

// teamAPI is a served API and its echo instance, whose route table tests walk.
type teamAPI struct {
	URL  string
	Echo *echo.Echo
}

func as(user string) http.Header { return basic(user, teamPassword) }

func TestAuthorization(t *testing.T) {
	base := teamServer(t)
	// The operator sets up one subject per team and a shared one, all with the same schema
	// (id 1; in .staging, id 1 of that context), a second schema in payments-value and
	// orders-value2 (id 2), and one only the operator and analytics may read (id 3).
	for _, s := range []string{"payments-value", "orders-value", "shared-money", ":.staging:orders-value"} {
		mustStatus(t, base, "POST", "/subjects/"+url.PathEscape(s)+"/versions", schemaInt, as("ops"), 200)
	}
	mustStatus(t, base, "PUT", "/config/payments-value", `{"compatibility":"NONE"}`, as("ops"), 200)
	mustStatus(t, base, "POST", "/subjects/payments-value/versions", schemaString, as("ops"), 200)
	mustStatus(t, base, "POST", "/subjects/orders-value2/versions", schemaString, as("ops"), 200)
	mustStatus(t, base, "POST", "/subjects/internal/versions", `{"schema":"\"bytes\""}`, as("ops"), 200)

	for _, tc := range []struct {
		user, method, path, body string
		want                     int
	}{
		// Each team writes its own subjects, and nobody else's.
		{"payments", "POST", "/subjects/payments-key/versions", schemaInt, 200},
		{"payments", "POST", "/subjects/orders-key/versions", schemaInt, 403},
		{"orders", "POST", "/subjects/orders-key/versions", schemaInt, 200},
		{"orders", "POST", "/subjects/%3A.staging%3Aorders-key/versions", schemaInt, 200},
		{"orders", "POST", "/contexts/.staging/subjects/orders-other/versions", schemaInt, 200},
		{"payments", "POST", "/contexts/.staging/subjects/payments-value/versions", schemaInt, 403},
		{"analytics", "POST", "/subjects/payments-value/versions", schemaInt, 403},
		// Reads: lookups, versions and compatibility checks need read.
		{"payments", "GET", "/subjects/shared-money/versions/1", "", 200},
		{"payments", "POST", "/subjects/shared-money", schemaInt, 200},
		{"payments", "POST", "/compatibility/subjects/shared-money/versions/latest", schemaInt, 200},
		{"payments", "GET", "/subjects/orders-value/versions", "", 403},
		{"payments", "POST", "/compatibility/subjects/orders-value/versions", schemaInt, 403},
		{"analytics", "GET", "/subjects/%3A.staging%3Aorders-value/versions/1", "", 200},
		// A write on shared types is not a read's.
		{"orders", "DELETE", "/subjects/shared-money/versions/1", "", 403},
		// Soft deletes are writes; permanent deletes and config and mode changes are admin.
		{"payments", "DELETE", "/subjects/payments-key/versions/1", "", 200},
		{"payments", "DELETE", "/subjects/payments-key/versions/1?permanent=true", "", 403},
		{"ops", "DELETE", "/subjects/payments-key/versions/1?permanent=true", "", 200},
		{"payments", "PUT", "/config/payments-value", `{"compatibility":"FULL"}`, 403},
		{"payments", "GET", "/config/payments-value", "", 200},
		{"payments", "PUT", "/mode/payments-value", `{"mode":"READONLY"}`, 403},
		// The global settings.
		{"payments", "GET", "/config", "", 403},
		{"analytics", "GET", "/config", "", 200},
		{"analytics", "PUT", "/config", `{"compatibility":"FULL"}`, 403},
		{"ops", "PUT", "/mode", `{"mode":"READWRITE"}`, 200},
		{"analytics", "DELETE", "/contexts/.staging", "", 403},
		// Schemas by id: readable through a subject that has it.
		{"payments", "GET", "/schemas/ids/1", "", 200},
		{"payments", "GET", "/schemas/ids/2/schema", "", 200},
		{"orders", "GET", "/schemas/ids/1", "", 200},
		{"orders", "GET", "/schemas/ids/2", "", 200},
		{"payments", "GET", "/schemas/ids/3", "", 403},
		{"analytics", "GET", "/schemas/ids/3", "", 200},
		{"payments", "GET", "/schemas/ids/99", "", 404},
		// What needs no particular grant.
		{"payments", "GET", "/schemas/types", "", 200},
		{"payments", "GET", "/contexts", "", 200},
	} {
		got, _ := do(t, tc.method, base+tc.path, tc.body, as(tc.user))
		if got.Status != tc.want {
			t.Errorf("%s %s %s = %+v, want %d", tc.user, tc.method, tc.path, got, tc.want)
		}
		if tc.want == 403 && !strings.Contains(got.Body, `"error_code":40301`) {
			t.Errorf("%s %s %s: body %s, want Confluent's 40301", tc.user, tc.method, tc.path, got.Body)
		}
	}
	// Schemas by GUID, likewise.
	got, _ := do(t, "GET", base+"/schemas/ids/3", "", as("ops"))
	var s3 struct{ GUID string }
	if err := json.Unmarshal([]byte(got.Body), &s3); err != nil || s3.GUID == "" {
		t.Fatalf("schema 3: %+v", got)
	}
	mustStatus(t, base, "GET", "/schemas/guids/"+s3.GUID, "", as("payments"), 403)
	mustStatus(t, base, "GET", "/schemas/guids/"+s3.GUID+"/ids", "", as("payments"), 403)
	mustStatus(t, base, "GET", "/schemas/guids/"+s3.GUID, "", as("analytics"), 200)

	want := errorAnswer(403, 40301, "User is denied operation Write on Subject: orders-key")
	if got, _ := do(t, "POST", base+"/subjects/orders-key/versions", schemaInt, as("payments")); got != want {
		t.Errorf("a refusal: %+v, want %+v", got, want)
	}
}

// TestListsFiltered: lists answer with what the caller may read, instead of failing.
func TestListsFiltered(t *testing.T) {
	base := teamServer(t)
	for _, s := range []string{"payments-value", "orders-value", "shared-money", "other"} {
		mustStatus(t, base, "POST", "/subjects/"+s+"/versions", schemaInt, as("ops"), 200)
	}
	for _, tc := range []struct{ user, path, want string }{
		{"payments", "/subjects", `["payments-value","shared-money"]`},
		{"orders", "/subjects", `["orders-value","shared-money"]`},
		{"analytics", "/subjects", `["orders-value","other","payments-value","shared-money"]`},
		{"payments", "/schemas/ids/1/subjects", `["payments-value","shared-money"]`},
		{"payments", "/schemas/ids/1/versions", `[{"subject":"payments-value","version":1},{"subject":"shared-money","version":1}]`},
		{"payments", "/subjects?subjectPrefix=o", `[]`},
	} {
		if got, _ := do(t, "GET", base+tc.path, "", as(tc.user)); got.Status != 200 || got.Body != tc.want {
			t.Errorf("%s GET %s = %+v, want %s", tc.user, tc.path, got, tc.want)
		}
	}
	got, _ := do(t, "GET", base+"/schemas", "", as("orders"))
	if got.Status != 200 || strings.Contains(got.Body, "payments-value") || !strings.Contains(got.Body, "orders-value") {
		t.Errorf("orders GET /schemas = %+v, want orders-value and shared-money only", got)
	}
}

// TestCertificatePrincipal: a verified client certificate authenticates as its common name,
// else its first subject alternative name; the policy then applies to that name.
func TestCertificatePrincipal(t *testing.T) {
	for _, tc := range []struct {
		cert *x509.Certificate
		want string
	}{
		{&x509.Certificate{Subject: pkix.Name{CommonName: "payments"}, DNSNames: []string{"payments.svc"}}, "payments"},
		{&x509.Certificate{DNSNames: []string{"orders.svc"}}, "orders.svc"},
		{&x509.Certificate{EmailAddresses: []string{"ops@example.com"}}, "ops@example.com"},
		{&x509.Certificate{URIs: []*url.URL{{Scheme: "spiffe", Host: "example.org", Path: "/analytics"}}}, "spiffe://example.org/analytics"},
	} {
		r := httptest.NewRequest("GET", "/subjects", nil)
		r.TLS = &tls.ConnectionState{VerifiedChains: [][]*x509.Certificate{{tc.cert}}}
		if got, ok := certificatePrincipal(r); !ok || got != tc.want {
			t.Errorf("principal of %+v = %q, %v; want %q", tc.cert.Subject, got, ok, tc.want)
		}
	}
	r := httptest.NewRequest("GET", "/subjects", nil)
	r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{{Subject: pkix.Name{CommonName: "forged"}}}}
	if _, ok := certificatePrincipal(r); ok {
		t.Error("an unverified certificate gave a principal")
	}
}

func mustStatus(t *testing.T, base, method, path, body string, header http.Header, want int) {
	t.Helper()
	if got, _ := do(t, method, base+path, body, header); got.Status != want {
		t.Fatalf("%s %s = %+v, want %d", method, path, got, want)
	}
}
