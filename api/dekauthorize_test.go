package api

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/accord-registry/accord/api/auth"
)

// keysPolicy gives payments its own KEKs and subjects, read access to a KEK shared by the
// teams, analytics read access to everything and ops admin.
const keysPolicy = `
rules:
  - principals: [payments]
    subjects: ["payments-*"]
    keks: ["payments-*"]
    access: write
  - principals: [payments]
    keks: ["shared-kek"]
    access: read
  - principals: [analytics]
    subjects: ["*"]
    keks: ["*"]
    access: read
  - principals: [ops]
    subjects: ["*"]
    keks: ["*"]
    access: admin
    global: admin
`

// keysServer serves an API with a DEK Registry under keysPolicy.
func keysServer(t *testing.T) string {
	t.Helper()
	hash := hashTeamPassword(t)
	var file strings.Builder
	file.WriteString("users:\n")
	for _, u := range []string{"payments", "analytics", "ops"} {
		file.WriteString("  - name: " + u + "\n    password: \"" + hash + "\"\n")
	}
	file.WriteString(keysPolicy)
	path := filepath.Join(t.TempDir(), "users.yaml")
	if err := os.WriteFile(path, []byte(file.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	users, err := auth.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	e := New(Config{Store: openTestStore(t), Keys: openTestStore(t), Logger: testLogger(t), Authenticator: users, Policy: users})
	return serveHTTP(t, e).URL
}

func kekBody(name string) string {
	return `{"name":"` + name + `","kmsType":"local-kms","kmsKeyId":"k"}`
}

const dekBody = `{"encryptedKeyMaterial":"AAEC"}`

// TestKeysAuthorization checks every verb of the DEK Registry, allowed and refused, with
// names spelled in several ways.
func TestKeysAuthorization(t *testing.T) {
	base := keysServer(t)
	const p = "/dek-registry/v1/keks"
	for _, k := range []string{"payments-kek", "shared-kek", "orders-kek"} {
		mustStatus(t, base, "POST", p, kekBody(k), as("ops"), 200)
	}
	for _, s := range []string{"payments-value", "orders-value"} {
		mustStatus(t, base, "POST", p+"/shared-kek/deks/"+s, dekBody, as("ops"), 200)
	}
	mustStatus(t, base, "POST", p+"/orders-kek/deks/payments-value", dekBody, as("ops"), 200)

	for _, tc := range []struct {
		user, method, path, body string
		want                     int
	}{
		// KEKs: read, then write (create, update, soft delete, undelete, test), then admin.
		{"payments", "GET", p + "/payments-kek", "", 200},
		{"payments", "GET", p + "/payments%2Dkek", "", 200},
		{"payments", "GET", p + "/shared-kek", "", 200},
		{"payments", "GET", p + "/orders-kek", "", 403},
		{"payments", "POST", p, kekBody("payments-new"), 200},
		{"payments", "POST", p, kekBody("orders-new"), 403},
		{"analytics", "POST", p, kekBody("payments-other"), 403},
		{"payments", "PUT", p + "/payments-kek", `{"doc":"mine"}`, 200},
		{"payments", "PUT", p + "/shared-kek", `{"doc":"mine"}`, 403},
		{"payments", "POST", p + "/payments-kek/test", "", 422}, // allowed; not shared
		{"payments", "POST", p + "/shared-kek/test", "", 403},
		{"payments", "DELETE", p + "/payments-new", "", 204},
		{"payments", "POST", p + "/payments-new/undelete", "", 204},
		{"payments", "DELETE", p + "/shared-kek", "", 403},
		{"payments", "DELETE", p + "/payments-new", "", 204},
		{"payments", "DELETE", p + "/payments-new?permanent=true", "", 403},
		{"ops", "DELETE", p + "/payments-new?permanent=true", "", 204},
		// DEKs: the subject's access, and read on the KEK.
		{"payments", "GET", p + "/shared-kek/deks/payments-value", "", 200},
		{"payments", "GET", p + "/shared-kek/deks/%70ayments-value/versions/latest", "", 200},
		{"payments", "GET", p + "/shared-kek/deks/orders-value", "", 403},
		{"payments", "GET", p + "/shared-kek/deks/orders-value/versions", "", 403},
		{"payments", "GET", p + "/orders-kek/deks/payments-value", "", 403},
		{"payments", "GET", p + "/shared-kek/deks/%3A.%3Apayments-value", "", 403}, // a spelling the policy does not name
		{"payments", "GET", p + "/shared-kek/deks/%3A.other%3Apayments-value", "", 403},
		{"payments", "POST", p + "/shared-kek/deks/payments-key", dekBody, 200},
		{"payments", "POST", p + "/shared-kek/deks/orders-key", dekBody, 403},
		{"payments", "POST", p + "/shared-kek/deks", `{"subject":"payments-old","encryptedKeyMaterial":"AAEC"}`, 200},
		{"payments", "POST", p + "/shared-kek/deks", `{"subject":"orders-old","encryptedKeyMaterial":"AAEC"}`, 403},
		{"analytics", "POST", p + "/shared-kek/deks/payments-x", dekBody, 403},
		{"payments", "DELETE", p + "/shared-kek/deks/payments-key", "", 204},
		{"payments", "POST", p + "/shared-kek/deks/payments-key/undelete", "", 204},
		{"payments", "DELETE", p + "/shared-kek/deks/payments-key/versions/1", "", 204},
		{"payments", "POST", p + "/shared-kek/deks/payments-key/versions/1/undelete", "", 204},
		{"payments", "DELETE", p + "/shared-kek/deks/orders-value", "", 403},
		{"payments", "DELETE", p + "/shared-kek/deks/payments-key", "", 204},
		{"payments", "DELETE", p + "/shared-kek/deks/payments-key?permanent=true", "", 403},
		{"payments", "DELETE", p + "/shared-kek/deks/payments-key/versions/1?permanent=true", "", 403},
		{"ops", "DELETE", p + "/shared-kek/deks/payments-key?permanent=true", "", 204},
		{"analytics", "GET", p + "/orders-kek/deks/payments-value/versions/1", "", 200},
	} {
		got, _ := do(t, tc.method, base+tc.path, tc.body, as(tc.user))
		if got.Status != tc.want {
			t.Errorf("%s %s %s = %+v, want %d", tc.user, tc.method, tc.path, got, tc.want)
		}
	}

	// Lists leave out what the caller may not read.
	for _, tc := range []struct {
		user, path string
		want       []string
	}{
		{"payments", p, []string{"payments-kek", "shared-kek"}},
		{"analytics", p, []string{"orders-kek", "payments-kek", "shared-kek"}},
		{"payments", p + "/shared-kek/deks", []string{"payments-old", "payments-value"}},
		{"payments", p + "?subjectPrefix=payments", []string{"shared-kek"}},
	} {
		got, _ := do(t, "GET", base+tc.path, "", as(tc.user))
		var names []string
		if err := json.Unmarshal([]byte(got.Body), &names); err != nil || !slices.Equal(names, tc.want) {
			t.Errorf("%s GET %s = %+v, want %v", tc.user, tc.path, got, tc.want)
		}
	}
}
