package localkms

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"

	cklocalkms "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption/localkms"
)

// vectors are DEKs wrapped by Confluent's Python client and by this package, each checked
// by testdata/vectors.py with Python's LocalKmsClient.
type vectors struct {
	Secret        string `json:"secret"`
	DEK           string `json:"dek"`
	PythonWrapped string `json:"python_wrapped"`
	GoWrapped     string `json:"go_wrapped"`
}

func readVectors(t *testing.T) (v vectors, dek []byte) {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v, decode(t, v.DEK)
}

func decode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPythonVectors unwraps DEKs wrapped by Python's LocalKmsClient and by this package
// (which Python unwrapped): the key derivation and the ciphertext layout are Confluent's.
func TestPythonVectors(t *testing.T) {
	v, dek := readVectors(t)
	a, err := NewAEAD(v.Secret)
	if err != nil {
		t.Fatal(err)
	}
	for name, wrapped := range map[string]string{"python_wrapped": v.PythonWrapped, "go_wrapped": v.GoWrapped} {
		got, err := a.Decrypt(decode(t, wrapped), nil)
		if err != nil || !bytes.Equal(got, dek) {
			t.Errorf("%s unwraps to %x, %v; want %x", name, got, err, dek)
		}
	}
	other, _ := NewAEAD(v.Secret + "!")
	if _, err := other.Decrypt(decode(t, v.PythonWrapped), nil); err == nil {
		t.Error("another secret unwrapped the DEK")
	}
}

// TestConfluentGoInterop wraps with this package and unwraps with confluent-kafka-go's local
// KMS client, and the reverse.
func TestConfluentGoInterop(t *testing.T) {
	v, dek := readVectors(t)
	ours, err := NewAEAD(v.Secret)
	if err != nil {
		t.Fatal(err)
	}
	client, err := cklocalkms.NewLocalClient("local-kms://", v.Secret)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := client.GetAEAD("local-kms://any-key-id")
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := ours.Encrypt(dek, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := theirs.Decrypt(wrapped, nil); err != nil || !bytes.Equal(got, dek) {
		t.Errorf("confluent-kafka-go unwraps ours to %x, %v", got, err)
	}
	if len(wrapped) != 12+len(dek)+16 {
		t.Errorf("wrapped DEK is %d bytes, want IV (12) + %d + tag (16)", len(wrapped), len(dek))
	}
	wrapped, err = theirs.Encrypt(dek, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ours.Decrypt(wrapped, nil); err != nil || !bytes.Equal(got, dek) {
		t.Errorf("we unwrap confluent-kafka-go's to %x, %v", got, err)
	}
}

// TestSecretFromConfigThenEnvironment: the rule configuration's secret wins over
// $LOCAL_SECRET, which is used when the configuration has none; with neither, opening fails.
func TestSecretFromConfigThenEnvironment(t *testing.T) {
	v, dek := readVectors(t)
	wrapped := decode(t, v.PythonWrapped)
	t.Setenv(SecretEnv, "not the secret")
	a, err := New().AEAD(context.Background(), "k", map[string]string{SecretConfig: v.Secret})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := a.Decrypt(wrapped, nil); err != nil || !bytes.Equal(got, dek) {
		t.Errorf("with the configured secret: %x, %v", got, err)
	}
	t.Setenv(SecretEnv, v.Secret)
	if a, err = New().AEAD(context.Background(), "k", nil); err != nil {
		t.Fatal(err)
	}
	if got, err := a.Decrypt(wrapped, nil); err != nil || !bytes.Equal(got, dek) {
		t.Errorf("with $LOCAL_SECRET: %x, %v", got, err)
	}
	t.Setenv(SecretEnv, "")
	if _, err := New().AEAD(context.Background(), "k", nil); err == nil || !strings.Contains(err.Error(), SecretEnv) {
		t.Errorf("without a secret: %v", err)
	}
	if New().Type() != "local-kms" {
		t.Errorf("Type() = %q", New().Type())
	}
}

// BenchmarkLocalKMSWrap records the cost of wrapping a 34-byte AES256_GCM DEK (not a target:
// DEKs are wrapped once per key, not per record).
func BenchmarkLocalKMSWrap(b *testing.B) {
	a, err := NewAEAD("secret")
	if err != nil {
		b.Fatal(err)
	}
	dek := make([]byte, 34)
	for b.Loop() {
		if _, err := a.Encrypt(dek, nil); err != nil {
			b.Fatal(err)
		}
	}
}
