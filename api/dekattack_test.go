package api

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestSharedKekNeedsTheGlobalAdmin: a shared KEK makes the registry use its own KMS
// credentials (VAULT_TOKEN, its AWS role, LOCAL_SECRET) on the key the KEK names, and hand
// the unwrapped keys to whoever may read its DEKs. A principal who may only write its own
// KEKs must not be able to lend itself those credentials: pointed at a Vault of its own, a
// shared hcvault KEK would receive the registry's token with its first test; pointed at
// another team's KMS key, it would unwrap that team's DEKs. Making a KEK shared, or changing
// the properties (alternate key ids) of a shared one, needs the global admin grant.
func TestSharedKekNeedsTheGlobalAdmin(t *testing.T) {
	base := keysServer(t)
	const p = "/dek-registry/v1/keks"
	shared := func(name string) string {
		return `{"name":"` + name + `","kmsType":"hcvault","kmsKeyId":"http://attacker.example/transit/keys/k","shared":true}`
	}
	mustStatus(t, base, "POST", p, kekBody("payments-kek"), as("payments"), 200)
	mustStatus(t, base, "POST", p, shared("shared-by-ops"), as("ops"), 200)
	mustStatus(t, base, "POST", p, kekBody("payments-ops"), as("ops"), 200)
	for _, tc := range []struct {
		user, method, path, body string
		want                     int
	}{
		{"payments", "POST", p, shared("payments-evil"), 403},
		{"payments", "PUT", p + "/payments-kek", `{"shared":true}`, 403},
		{"payments", "PUT", p + "/payments-kek", `{"doc":"still mine","shared":false}`, 200},
		{"payments", "PUT", p + "/payments-kek", `{"kmsProps":{"a":"b"}}`, 200},
		{"ops", "PUT", p + "/shared-by-ops", `{"kmsProps":{"encrypt.alternate.kms.key.ids":"http://x/transit/keys/y"}}`, 200},
		{"ops", "PUT", p + "/payments-ops", `{"shared":true}`, 200},
		{"ops", "POST", p, shared("ops-shared"), 200},
	} {
		got, _ := do(t, tc.method, base+tc.path, tc.body, as(tc.user))
		if got.Status != tc.want {
			t.Errorf("%s %s %s %s = %+v, want %d", tc.user, tc.method, tc.path, tc.body, got, tc.want)
		}
	}
	// payments may write payments-ops, which ops has made shared: its properties stay the
	// operator's, the rest is the team's.
	for _, tc := range []struct {
		body string
		want int
	}{
		{`{"kmsProps":{"encrypt.alternate.kms.key.ids":"http://attacker.example/transit/keys/k"}}`, 403},
		{`{"doc":"a doc"}`, 200},
		{`{"shared":false}`, 200},
	} {
		if got, _ := do(t, "PUT", base+p+"/payments-ops", tc.body, as("payments")); got.Status != tc.want {
			t.Errorf("payments PUT payments-ops %s = %+v, want %d", tc.body, got, tc.want)
		}
	}
}

// TestKekListBySubjectPrefixHidesUnreadableSubjects: GET /keks?subjectPrefix= must not tell
// a principal whether subjects it may not read have DEKs, one guessed prefix at a time.
func TestKekListBySubjectPrefixHidesUnreadableSubjects(t *testing.T) {
	base := keysServer(t)
	const p = "/dek-registry/v1/keks"
	mustStatus(t, base, "POST", p, kekBody("shared-kek"), as("ops"), 200)
	mustStatus(t, base, "POST", p+"/shared-kek/deks/orders-secret-merger", dekBody, as("ops"), 200)
	for _, tc := range []struct {
		user, query string
		want        []string
	}{
		{"payments", "?subjectPrefix=orders-secret-m", []string{}},
		{"payments", "?subjectPrefix=payments&subjectPrefix=orders-", []string{}},
		{"analytics", "?subjectPrefix=orders-secret-m", []string{"shared-kek"}},
	} {
		got, _ := do(t, "GET", base+p+tc.query, "", as(tc.user))
		var names []string
		if err := json.Unmarshal([]byte(got.Body), &names); err != nil || !slices.Equal(names, tc.want) {
			t.Errorf("%s GET %s = %+v, want %v", tc.user, tc.query, got, tc.want)
		}
	}
}

// TestWrappedKeyUnderASharedKekNeedsAdmin: the registry unwraps a shared KEK's DEKs for
// whoever may read them, so storing a wrapped key of one's choosing under a shared KEK and
// reading it back would unwrap any key that KEK's KMS key wrapped (another team's DEK, taken
// from the topic or a backup) for anyone who may write one subject. Clients never send key
// material for a shared KEK (the registry makes it); an import does, with admin rights.
func TestWrappedKeyUnderASharedKekNeedsAdmin(t *testing.T) {
	base := keysServer(t)
	const p = "/dek-registry/v1/keks"
	mustStatus(t, base, "POST", p, `{"name":"shared-kek","kmsType":"local-kms","kmsKeyId":"k","shared":true}`, as("ops"), 200)
	mustStatus(t, base, "POST", p+"/shared-kek/deks/payments-stolen", dekBody, as("payments"), 403)
	mustStatus(t, base, "POST", p+"/shared-kek/deks", `{"subject":"payments-stolen","encryptedKeyMaterial":"AAEC"}`, as("payments"), 403)
	mustStatus(t, base, "POST", p+"/shared-kek/deks/payments-imported", dekBody, as("ops"), 200)
	mustStatus(t, base, "POST", p, kekBody("payments-own"), as("payments"), 200)
	mustStatus(t, base, "POST", p+"/payments-own/deks/payments-value", dekBody, as("payments"), 200)
}

// TestRewrapWithOwnKeyNeedsAdmin: a rewrap that brings its own wrapped key replaces the key
// of an existing DEK version, and every record encrypted with the old key is lost for good:
// that is a permanent delete, and needs Admin on the subject like one.
func TestRewrapWithOwnKeyNeedsAdmin(t *testing.T) {
	base := keysServer(t)
	const p = "/dek-registry/v1/keks"
	mustStatus(t, base, "POST", p, kekBody("payments-kek"), as("payments"), 200)
	mustStatus(t, base, "POST", p+"/payments-kek/deks/payments-value", dekBody, as("payments"), 200)
	mustStatus(t, base, "POST", p+"/payments-kek/deks/payments-value?rewrap=true", `{"encryptedKeyMaterial":"BBBB"}`, as("payments"), 403)
	got, _ := do(t, "GET", base+p+"/payments-kek/deks/payments-value", "", as("payments"))
	if !strings.Contains(got.Body, `"encryptedKeyMaterial":"AAEC"`) {
		t.Fatalf("the DEK after a refused rewrap: %+v", got)
	}
	mustStatus(t, base, "POST", p+"/payments-kek/deks/payments-value?rewrap=true", `{"encryptedKeyMaterial":"BBBB"}`, as("ops"), 200)
}

// TestKekSecretsAreNotServed: a KEK's kmsProps may carry KMS credentials for the clients
// (secret.access.key, token.id, a local KMS's secret). Like Confluent's KmsPropsRedactor,
// the registry never answers them, to anyone, and a PUT that leaves them out (or sends the
// "[hidden]" placeholder) keeps them, so a client that read the KEK back can update it.
func TestKekSecretsAreNotServed(t *testing.T) {
	keys := openTestStore(t)
	base := serveHTTP(t, New(Config{Store: openTestStore(t), Keys: keys, Logger: testLogger(t)})).URL
	const p = "/dek-registry/v1/keks"
	secrets := []string{"token.id", "approle.secret.id", "ssl.keystore.password", "secret.access.key", "client.secret", "private.key", "secret"}
	var props []string
	for _, s := range secrets {
		props = append(props, `"`+s+`":"s3cr3t-`+s+`"`)
	}
	body := `{"name":"k","kmsType":"local-kms","kmsKeyId":"id","kmsProps":{"region":"eu",` + strings.Join(props, ",") + `}}`
	noSecrets := func(what string, got answer) {
		t.Helper()
		if strings.Contains(got.Body, "s3cr3t") || !strings.Contains(got.Body, `"region"`) {
			t.Errorf("%s: %+v", what, got)
		}
	}
	got, _ := do(t, "POST", base+p, body, nil)
	noSecrets("create", got)
	got, _ = do(t, "GET", base+p+"/k", "", nil)
	noSecrets("read", got)
	got, _ = do(t, "PUT", base+p+"/k", `{"kmsProps":{"region":"us","secret":"[hidden]"},"doc":"d"}`, nil)
	noSecrets("update", got)
	kek, err := keys.Kek(t.Context(), "k", false)
	if err != nil || kek.KmsProps["region"] != "us" || kek.KmsProps["secret"] != "s3cr3t-secret" || kek.KmsProps["token.id"] != "s3cr3t-token.id" {
		t.Fatalf("stored after an update without its secrets: %+v, %v", kek.KmsProps, err)
	}
	mustStatus(t, base, "PUT", p+"/k", `{"kmsProps":{"region":"us","secret":"new"}}`, nil, 200)
	if kek, _ := keys.Kek(t.Context(), "k", false); kek.KmsProps["secret"] != "new" || kek.KmsProps["token.id"] != "s3cr3t-token.id" {
		t.Fatalf("stored after an update of one secret: %+v", kek.KmsProps)
	}
}
