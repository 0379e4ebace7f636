package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
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
