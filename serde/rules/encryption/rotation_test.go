package encryption

import (
	"bytes"
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/accord-registry/accord/serde/deks"
	"github.com/accord-registry/accord/serde/rules"
)

// version returns the DEK version a rotated string ciphertext names.
func version(t *testing.T, ct any) int {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(ct.(string))
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := splitVersion(raw)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRotationByExpiry: with encrypt.dek.expiry.days = 10, a DEK is used until 10 whole days
// after its creation, then version 2 is made (the latest is read with -1); ciphertexts name
// their version, and the old ones still decrypt, in this process and in another.
func TestRotationByExpiry(t *testing.T) {
	f, reg := newFake(t)
	clock := newClock(1_700_000_000_000)
	f.now = clock.now.UnixMilli() - 2 // the registry stamps the KEK at t0-1 and the DEK at t0
	e := NewFieldExecutor(testConfig(reg, clock))
	params := localParams(ParamDEKExpiryDays, "10")
	w, r := ruleContext(rules.Write, "s", params), ruleContext(rules.Read, "s", params)

	first := field(t, e, w, rules.FieldString, "one")
	wantSent(t, f,
		"GET /dek-registry/v1/keks/kek1", "POST /dek-registry/v1/keks",
		"GET /dek-registry/v1/keks/kek1/deks/s/versions/-1",
		"POST /dek-registry/v1/keks/kek1/deks/s")
	clock.advance(days(10) - 1)
	if v := version(t, field(t, e, w, rules.FieldString, "still one")); v != 1 {
		t.Errorf("before expiry: version %d", v)
	}
	clock.advance(1)
	second := field(t, e, w, rules.FieldString, "two")
	if v1, v2 := version(t, first), version(t, second); v1 != 1 || v2 != 2 {
		t.Errorf("versions %d then %d, want 1 then 2", v1, v2)
	}
	if stored := f.stored("kek1", "s", deks.AES256GCM); len(stored) != 2 || stored[1].Version != 2 {
		t.Errorf("stored %+v", stored)
	}
	for _, reader := range []*FieldExecutor{e, NewFieldExecutor(testConfig(mustSharing(t, f), clock))} {
		if got := field(t, reader, r, rules.FieldString, first); got != "one" {
			t.Errorf("version 1 decrypts to %v", got)
		}
		if got := field(t, reader, r, rules.FieldString, second); got != "two" {
			t.Errorf("version 2 decrypts to %v", got)
		}
	}
	// Without rotation, the same ciphertexts carry no version: reading them as unrotated fails.
	if _, err := fieldErr(e, ruleContext(rules.Read, "s", localParams()), rules.FieldString, first); err == nil {
		t.Error("a rotated ciphertext decrypted as an unrotated one")
	}
}

// TestRotationFailureUsesOlderDEK: when the next DEK cannot be registered, the expired one
// is used, with a warning through the logger.
func TestRotationFailureUsesOlderDEK(t *testing.T) {
	f, reg := newFake(t)
	clock := newClock(1_700_000_000_000)
	f.now = clock.now.UnixMilli()
	var logs bytes.Buffer
	cfg := testConfig(reg, clock)
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	e := NewFieldExecutor(cfg)
	w := ruleContext(rules.Write, "s", localParams(ParamDEKExpiryDays, "1"))
	field(t, e, w, rules.FieldString, "one")
	clock.advance(days(2))
	f.failOnce("POST /dek-registry/v1/keks/kek1/deks/s", http.StatusInternalServerError)
	ct := field(t, e, w, rules.FieldString, "two")
	if v := version(t, ct); v != 1 {
		t.Errorf("version %d, want the older 1", v)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "failed to create dek") {
		t.Errorf("logged %q", logs.String())
	}
	if v := version(t, field(t, e, w, rules.FieldString, "three")); v != 2 {
		t.Errorf("once the registry answers again: version %d, want 2", v)
	}
}

// TestDeterministicSIV: AES256_SIV gives equal ciphertexts for equal
// values with one DEK, and AES-GCM does not.
func TestDeterministicSIV(t *testing.T) {
	_, reg := newFake(t)
	e := NewFieldExecutor(testConfig(reg, newClock(0)))
	siv := ruleContext(rules.Write, "s", localParams(ParamDEKAlgorithm, "AES256_SIV"))
	a, b := field(t, e, siv, rules.FieldString, "same"), field(t, e, siv, rules.FieldString, "same")
	if a != b {
		t.Errorf("AES256_SIV: %v and %v", a, b)
	}
	if c := field(t, e, siv, rules.FieldString, "other"); c == a {
		t.Error("AES256_SIV: another value, the same ciphertext")
	}
	gcm := ruleContext(rules.Write, "s", localParams())
	if field(t, e, gcm, rules.FieldString, "same") == field(t, e, gcm, rules.FieldString, "same") {
		t.Error("AES256_GCM gave equal ciphertexts")
	}
}

func mustSharing(t *testing.T, f *fakeRegistry) *deks.Client {
	_, c := newFakeSharing(t, f)
	return c
}
