package encryption

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/accord-registry/accord/serde/deks"
	"github.com/accord-registry/accord/serde/rules"
)

var writeGoVectors = flag.Bool("write-go-vectors", false, "write Go's ciphertexts into testdata/vectors.json (then check them with testdata/vectors.py)")

// vectors are DEKs and field ciphertexts made by Confluent's Python client (see
// testdata/vectors.py), and the ciphertexts Go made, which Python decrypted.
type vectors struct {
	Secret  string      `json:"secret"`
	KEK     deks.KEK    `json:"kek"`
	Subject string      `json:"subject"`
	DEKs    []vectorDEK `json:"deks"`
	Cases   []vector    `json:"cases"`
}

// vectorDEK is a DEK of the vectors' KEK and subject: Python wrapped keyMaterial into
// encryptedKeyMaterial with the local KMS.
type vectorDEK struct {
	Algorithm            deks.Algorithm `json:"algorithm"`
	Version              int            `json:"version"`
	KeyMaterial          string         `json:"keyMaterial"`
	EncryptedKeyMaterial string         `json:"encryptedKeyMaterial"`
}

type vector struct {
	Name       string          `json:"name"`
	Algorithm  deks.Algorithm  `json:"algorithm"`
	ExpiryDays int             `json:"expiryDays"`
	Type       rules.FieldType `json:"type"`
	Plaintext  string          `json:"plaintext"` // BYTES: standard base64
	Python     string          `json:"python"`
	Go         string          `json:"go,omitempty"`
}

func readVectors(t *testing.T) vectors {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// value turns a vector's string into the field value of its type.
func (c vector) value(t *testing.T, s string) any {
	if c.Type == rules.FieldString {
		return s
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (c vector) text(v any) string {
	if c.Type == rules.FieldString {
		return v.(string)
	}
	return base64.StdEncoding.EncodeToString(v.([]byte))
}

func (c vector) params() map[string]string {
	p := localParams(ParamDEKAlgorithm, string(c.Algorithm))
	if c.ExpiryDays > 0 {
		p[ParamDEKExpiryDays] = "30"
	}
	return p
}

// seeded returns an executor over a fake registry holding the vectors' KEK and DEKs, wrapped
// by Python (the registry returns no keyMaterial, so the executor unwraps them itself).
func seeded(t *testing.T, v vectors) (*FieldExecutor, *fakeRegistry) {
	f, reg := newFake(t)
	clock := newClock(1_700_000_000_000)
	f.putKEK(v.KEK)
	for _, d := range v.DEKs {
		f.putDEK(deks.DEK{KEKName: v.KEK.Name, Subject: v.Subject, Version: d.Version, Algorithm: d.Algorithm,
			EncryptedKeyMaterial: d.EncryptedKeyMaterial, TS: clock.now.UnixMilli()})
	}
	cfg := testConfig(reg, clock)
	cfg.RuleConfig = map[string]string{"secret": v.Secret}
	return NewFieldExecutor(cfg), f
}

// TestVectors decrypts the field ciphertexts of Confluent's Python executor and the ones Go
// made earlier (which Python decrypted), and encrypts each plaintext again: AES-SIV must give
// Python's bytes exactly; every ciphertext must decrypt to the plaintext; with rotation on,
// the ciphertext names the latest DEK version in its prefix.
func TestVectors(t *testing.T) {
	v := readVectors(t)
	e, _ := seeded(t, v)
	for i, c := range v.Cases {
		t.Run(c.Name, func(t *testing.T) {
			read := ruleContext(rules.Read, v.Subject, c.params())
			for who, ct := range map[string]string{"python": c.Python, "go": c.Go} {
				if ct == "" {
					continue
				}
				if got := c.text(field(t, e, read, c.Type, c.value(t, ct))); got != c.Plaintext {
					t.Errorf("%s's ciphertext decrypts to %q, want %q", who, got, c.Plaintext)
				}
			}
			ct := c.text(field(t, e, ruleContext(rules.Write, v.Subject, c.params()), c.Type, c.value(t, c.Plaintext)))
			if got := c.text(field(t, e, read, c.Type, c.value(t, ct))); got != c.Plaintext {
				t.Errorf("our ciphertext decrypts to %q, want %q", got, c.Plaintext)
			}
			if c.Algorithm == deks.AES256SIV && ct != c.Python {
				t.Errorf("deterministic ciphertext %s, Python's %s", ct, c.Python)
			}
			checkLayout(t, c, ct)
			v.Cases[i].Go = ct
		})
	}
	if *writeGoVectors {
		b, _ := json.MarshalIndent(v, "", "  ")
		if err := os.WriteFile("testdata/vectors.json", append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkLayout checks the bytes of a ciphertext: the version prefix when DEKs rotate, and the
// length of Tink's raw output (GCM: 12-byte IV and 16-byte tag; SIV: 16-byte SIV).
func checkLayout(t *testing.T, c vector, ct string) {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(ct)
	if err != nil {
		t.Fatal(err)
	}
	plain := c.value(t, c.Plaintext)
	n := len(c.text(plain))
	if c.Type == rules.FieldBytes {
		n = len(plain.([]byte))
	}
	overhead := 28
	if c.Algorithm == deks.AES256SIV {
		overhead = 16
	}
	if c.ExpiryDays > 0 {
		if !bytes.Equal(raw[:5], []byte{0, 0, 0, 0, 2}) {
			t.Errorf("prefix %x, want 00 and version 2", raw[:5])
		}
		overhead += 5
	}
	if len(raw) != n+overhead {
		t.Errorf("ciphertext is %d bytes for %d of plaintext, want %d more", len(raw), n, overhead)
	}
}
