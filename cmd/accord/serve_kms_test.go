package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/accord-registry/accord/serde/kms/localkms"
)

// TestServeSharedKekWithLocalKMS: `accord serve` wraps the DEKs of a shared KEK with its
// KMS drivers, here local-kms with the secret from LOCAL_SECRET, as a client would: the
// material it returns unwraps, with that secret, to the key material it hands out.
func TestServeSharedKekWithLocalKMS(t *testing.T) {
	const secret = "accord-server-secret"
	t.Setenv("LOCAL_SECRET", secret)
	base := startServe(t, "--data-dir", filepath.Join(t.TempDir(), "data"))
	const keks = "/dek-registry/v1/keks"
	if status, body := call(t, "POST", base+keks, `{"name":"shared","kmsType":"local-kms","kmsKeyId":"k","shared":true}`); status != 200 {
		t.Fatalf("create a shared KEK: %d %s", status, body)
	}
	status, body := call(t, "POST", base+keks+"/shared/deks/orders-value", `{}`)
	if status != 200 {
		t.Fatalf("create a DEK under a shared KEK: %d %s", status, body)
	}
	var dek struct{ KeyMaterial, EncryptedKeyMaterial string }
	if err := json.Unmarshal([]byte(body), &dek); err != nil || dek.KeyMaterial == "" {
		t.Fatalf("DEK %s (%v): want keyMaterial", body, err)
	}
	raw, _ := base64.StdEncoding.DecodeString(dek.KeyMaterial)
	wrapped, _ := base64.StdEncoding.DecodeString(dek.EncryptedKeyMaterial)
	aead, err := localkms.NewAEAD(secret)
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := aead.Decrypt(wrapped, nil); err != nil || !bytes.Equal(plain, raw) {
		t.Fatalf("the wrapped material opens with the secret to %x (%v), want the key material %x", plain, err, raw)
	}
	if status, body := call(t, "GET", base+keks+"/shared/deks/orders-value", ""); status != 200 || !strings.Contains(body, dek.KeyMaterial) {
		t.Fatalf("read back: %d %s, want the same key material, unwrapped again", status, body)
	}
	if status, body := call(t, "POST", base+keks, `{"name":"elsewhere","kmsType":"no-such-kms","kmsKeyId":"k","shared":true}`); status != 200 {
		t.Fatalf("create a shared KEK of a type without a driver: %d %s", status, body)
	}
	if status, body := call(t, "POST", base+keks+"/elsewhere/deks/orders-value", `{}`); status != 500 || !strings.Contains(body, "50070") {
		t.Fatalf("a DEK under a KEK of a type without a driver: %d %s, want 500 50070", status, body)
	}
}

// TestServeSendsVaultCredentialsOnlyToVaultAddr: whoever may create a shared KEK chooses
// the URL of its hcvault key, and the registry's first test of it would send VAULT_TOKEN
// (or its AppRole's ids) there. The registry talks only to the Vault at VAULT_ADDR: a KEK
// naming another one, or any while VAULT_ADDR is unset, is a 500 that says so, and the
// other server hears nothing.
func TestServeSendsVaultCredentialsOnlyToVaultAddr(t *testing.T) {
	var heard atomic.Int64
	vault := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		heard.Add(1)
		if r.Header.Get("X-Vault-Token") != "server-token" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":{"ciphertext":"vault:v1:AAAA"}}`))
	}))
	t.Cleanup(vault.Close)
	t.Setenv("VAULT_TOKEN", "server-token")
	t.Setenv("VAULT_APPROLE_ROLE_ID", "")
	t.Setenv("VAULT_APPROLE_SECRET_ID", "")
	const keks = "/dek-registry/v1/keks"
	for _, tc := range []struct {
		vaultAddr string
		want      int
		says      string
	}{
		{"", 500, "VAULT_ADDR"},
		{"https://vault.internal:8200", 500, "VAULT_ADDR"},
		{vault.URL + "/", 200, ""},
	} {
		t.Setenv("VAULT_ADDR", tc.vaultAddr)
		heard.Store(0)
		base := startServe(t, "--data-dir", filepath.Join(t.TempDir(), "data"))
		kek := `{"name":"elsewhere","kmsType":"hcvault","kmsKeyId":"` + vault.URL + `/transit/keys/k","shared":true}`
		if status, body := call(t, "POST", base+keks, kek); status != 200 {
			t.Fatalf("create a shared hcvault KEK: %d %s", status, body)
		}
		status, body := call(t, "POST", base+keks+"/elsewhere/test", "")
		if status != tc.want || !strings.Contains(body, tc.says) {
			t.Errorf("VAULT_ADDR %q: test of a KEK at %s: %d %s, want %d saying %q", tc.vaultAddr, vault.URL, status, body, tc.want, tc.says)
		}
		if tc.want != 200 && heard.Load() != 0 {
			t.Errorf("VAULT_ADDR %q: the Vault at %s was sent %d requests", tc.vaultAddr, vault.URL, heard.Load())
		}
	}
}

// TestServeSharedLocalKekWithoutSecret: a shared local-kms KEK on a registry started without
// LOCAL_SECRET is a 500 (50070) that names what is missing, and leaves no DEK behind.
func TestServeSharedLocalKekWithoutSecret(t *testing.T) {
	t.Setenv("LOCAL_SECRET", "")
	base := startServe(t, "--data-dir", filepath.Join(t.TempDir(), "data"))
	const keks = "/dek-registry/v1/keks"
	if status, body := call(t, "POST", base+keks, `{"name":"shared","kmsType":"local-kms","kmsKeyId":"k","shared":true}`); status != 200 {
		t.Fatalf("create a shared KEK: %d %s", status, body)
	}
	for range 2 {
		status, body := call(t, "POST", base+keks+"/shared/deks/orders-value", `{}`)
		if status != 500 || !strings.Contains(body, "50070") || !strings.Contains(body, "LOCAL_SECRET") {
			t.Fatalf("a DEK under a shared local KEK without LOCAL_SECRET: %d %s, want 500 50070 naming LOCAL_SECRET", status, body)
		}
	}
	if status, body := call(t, "GET", base+keks+"/shared/deks", ""); status != 200 || body != "[]" {
		t.Fatalf("DEKs left behind: %d %s", status, body)
	}
}
