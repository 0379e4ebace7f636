package encryption

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/accord-registry/accord/serde/deks"
	"github.com/accord-registry/accord/serde/kms/localkms"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/google/go-cmp/cmp"
)

func wantSent(t *testing.T, f *fakeRegistry, want ...string) {
	t.Helper()
	if diff := cmp.Diff(want, f.sent()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one with %q", err, want)
	}
}

// TestWriteCreatesKEKAndDEK: on the first write the KEK and the DEK are created (the KEK not
// shared, with the rule's KMS type and key id; the DEK version 1 of the subject, wrapped by
// the local KMS); after that, values cost no request; and a reader decrypts them.
func TestWriteCreatesKEKAndDEK(t *testing.T) {
	f, reg := newFake(t)
	e := NewFieldExecutor(testConfig(reg, newClock(1_700_000_000_000)))
	w := ruleContext(rules.Write, "orders-value", localParams())
	ct := field(t, e, w, rules.FieldString, "alice@example.com")
	wantSent(t, f,
		"GET /dek-registry/v1/keks/kek1",
		"POST /dek-registry/v1/keks",
		"GET /dek-registry/v1/keks/kek1/deks/orders-value/versions/1",
		"POST /dek-registry/v1/keks/kek1/deks/orders-value",
	)
	if k := f.keks["kek1"]; k.KMSType != "local-kms" || k.KMSKeyID != "mykey" || k.Shared {
		t.Errorf("created KEK %+v", k)
	}
	stored := f.stored("kek1", "orders-value", deks.AES256GCM)
	if len(stored) != 1 || stored[0].Version != 1 || stored[0].KeyMaterial != "" {
		t.Fatalf("stored DEKs %+v", stored)
	}
	kek, _ := localkms.NewAEAD(testSecret)
	wrapped, _ := base64.StdEncoding.DecodeString(stored[0].EncryptedKeyMaterial)
	raw, err := kek.Decrypt(wrapped, nil)
	if err != nil || len(raw) != 34 || !bytes.HasPrefix(raw, []byte{0x1a, 0x20}) {
		t.Errorf("the stored DEK unwraps to %x, %v; want a serialized 32-byte AesGcmKey", raw, err)
	}
	for range 3 {
		field(t, e, w, rules.FieldString, "bob@example.com")
	}
	wantSent(t, f)
	// A new executor (another process) reads the DEK and unwraps it with the KMS.
	_, reg2 := newFakeSharing(t, f)
	r := ruleContext(rules.Read, "orders-value", localParams())
	if got := field(t, NewFieldExecutor(testConfig(reg2, newClock(0))), r, rules.FieldString, ct); got != "alice@example.com" {
		t.Errorf("decrypted %v", got)
	}
	wantSent(t, f, "GET /dek-registry/v1/keks/kek1", "GET /dek-registry/v1/keks/kek1/deks/orders-value/versions/1")
}

// TestKEKConflictRereads: a KEK another client registers between our read and our
// registration (409) is read again and used.
func TestKEKConflictRereads(t *testing.T) {
	f, reg := newFake(t)
	f.putKEK(deks.KEK{Name: "kek1", KMSType: "local-kms", KMSKeyID: "mykey", TS: 1})
	f.failOnce("GET /dek-registry/v1/keks/kek1", http.StatusNotFound)
	e := NewFieldExecutor(testConfig(reg, newClock(0)))
	field(t, e, ruleContext(rules.Write, "s", localParams()), rules.FieldString, "x")
	got := f.sent()[:3]
	want := []string{"GET /dek-registry/v1/keks/kek1", "POST /dek-registry/v1/keks", "GET /dek-registry/v1/keks/kek1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// TestDEKConflictUsesTheirs: when another client registered DEK version 1 first, ours is
// dropped and theirs, unwrapped with the KMS, encrypts the value.
func TestDEKConflictUsesTheirs(t *testing.T) {
	f, reg := newFake(t)
	other := NewFieldExecutor(testConfig(reg, newClock(0)))
	w := ruleContext(rules.Write, "s", localParams())
	theirs := field(t, other, w, rules.FieldString, "x")
	f.sent()

	_, reg2 := newFakeSharing(t, f)
	f.failOnce("GET /dek-registry/v1/keks/kek1/deks/s/versions/1", http.StatusNotFound)
	e := NewFieldExecutor(testConfig(reg2, newClock(0)))
	ours := field(t, e, w, rules.FieldString, "y")
	wantSent(t, f,
		"GET /dek-registry/v1/keks/kek1",
		"GET /dek-registry/v1/keks/kek1/deks/s/versions/1",
		"POST /dek-registry/v1/keks/kek1/deks/s",
		"GET /dek-registry/v1/keks/kek1/deks/s/versions/1",
	)
	if n := len(f.stored("kek1", "s", deks.AES256GCM)); n != 1 {
		t.Errorf("%d DEKs stored, want 1", n)
	}
	r := ruleContext(rules.Read, "s", localParams())
	if got := field(t, other, r, rules.FieldString, ours); got != "y" {
		t.Errorf("the first client decrypts ours to %v", got)
	}
	if got := field(t, e, r, rules.FieldString, theirs); got != "x" {
		t.Errorf("we decrypt the first client's to %v", got)
	}
}

// TestDEKRegistrationFailsWithoutOlder: a failed registration with no DEK to fall back on
// is the error.
func TestDEKRegistrationFailsWithoutOlder(t *testing.T) {
	f, reg := newFake(t)
	f.failOnce("POST /dek-registry/v1/keks/kek1/deks/s", http.StatusInternalServerError)
	_, err := fieldErr(NewFieldExecutor(testConfig(reg, newClock(0))), ruleContext(rules.Write, "s", localParams()), rules.FieldString, "x")
	if err == nil || !strings.Contains(err.Error(), "injected failure") {
		t.Errorf("error %v, want the registry's", err)
	}
}

// TestConsumeWithoutKeys: reading with no KEK, or with no DEK, fails with Confluent's
// messages; a soft-deleted KEK and DEK still decrypt, but do not encrypt.
func TestConsumeWithoutKeys(t *testing.T) {
	f, reg := newFake(t)
	e := NewFieldExecutor(testConfig(reg, newClock(0)))
	r := ruleContext(rules.Read, "s", localParams())
	ct := base64.StdEncoding.EncodeToString(make([]byte, 40))
	_, err := fieldErr(e, r, rules.FieldString, ct)
	wantErr(t, err, "no kek found for kek1 during consume")

	f.putKEK(deks.KEK{Name: "kek1", KMSType: "local-kms", KMSKeyID: "mykey", TS: 1})
	_, err = fieldErr(e, r, rules.FieldString, ct)
	wantErr(t, err, "no dek found for kek1 during consume")
	if n := len(f.stored("kek1", "s", deks.AES256GCM)); n != 0 {
		t.Errorf("a reader created %d DEKs", n)
	}
}

// TestSoftDeletedKeysStillDecrypt: a reader asks for deleted KEKs and DEKs, so data written
// before a soft delete still opens; a writer does not see them and cannot create the KEK.
func TestSoftDeletedKeysStillDecrypt(t *testing.T) {
	f, reg := newFake(t)
	w := ruleContext(rules.Write, "s", localParams())
	ct := field(t, NewFieldExecutor(testConfig(reg, newClock(0))), w, rules.FieldString, "x")
	f.mu.Lock()
	k := f.keks["kek1"]
	k.Deleted = true
	f.keks["kek1"] = k
	for id := range f.deks {
		f.deks[id][0].Deleted = true
	}
	f.mu.Unlock()
	f.sent()
	_, reg2 := newFakeSharing(t, f)
	e := NewFieldExecutor(testConfig(reg2, newClock(0)))
	if got := field(t, e, ruleContext(rules.Read, "s", localParams()), rules.FieldString, ct); got != "x" {
		t.Errorf("decrypted %v", got)
	}
	wantSent(t, f, "GET /dek-registry/v1/keks/kek1", "GET /dek-registry/v1/keks/kek1/deks/s/versions/1")
	_, err := fieldErr(e, w, rules.FieldString, "y")
	wantErr(t, err, "no kek found for kek1 during produce")
}

// TestKEKMismatch: a KEK whose KMS type or key id differs from the rule's is refused; a rule
// without them uses the KEK as it is, and a rule without them cannot create one.
func TestKEKMismatch(t *testing.T) {
	f, reg := newFake(t)
	f.putKEK(deks.KEK{Name: "kek1", KMSType: "local-kms", KMSKeyID: "other", TS: 1})
	e := NewFieldExecutor(testConfig(reg, newClock(0)))
	_, err := fieldErr(e, ruleContext(rules.Write, "s", localParams()), rules.FieldString, "x")
	wantErr(t, err, "found kek1 with kms key id other which differs from rule kms key id mykey")
	_, err = fieldErr(e, ruleContext(rules.Write, "s", localParams(ParamKMSType, "aws-kms")), rules.FieldString, "x")
	wantErr(t, err, "found kek1 with kms type local-kms which differs from rule kms type aws-kms")
	if _, err = fieldErr(e, ruleContext(rules.Write, "s", map[string]string{ParamKEKName: "kek1"}), rules.FieldString, "x"); err != nil {
		t.Errorf("a rule naming only the KEK: %v", err)
	}
	_, err = fieldErr(e, ruleContext(rules.Write, "s", map[string]string{ParamKEKName: "kek2"}), rules.FieldString, "x")
	wantErr(t, err, "no kms type found for kek2 during produce")
	_, err = fieldErr(e, ruleContext(rules.Write, "s", map[string]string{ParamKEKName: "kek2", ParamKMSType: "local-kms"}), rules.FieldString, "x")
	wantErr(t, err, "no kms key id found for kek2 during produce")
}

// TestParams: the rule's parameters are checked, and may come from the target schema's
// metadata properties.
func TestParams(t *testing.T) {
	_, reg := newFake(t)
	e := NewFieldExecutor(testConfig(reg, newClock(0)))
	for _, c := range []struct {
		params map[string]string
		want   string
	}{
		{map[string]string{}, "no kek name found"},
		{map[string]string{ParamKEKName: ""}, "empty kek name"},
		{map[string]string{ParamKEKName: "k", ParamDEKAlgorithm: "AES512"}, `unsupported dek algorithm "AES512"`},
		{map[string]string{ParamKEKName: "k", ParamDEKExpiryDays: "-1"}, "invalid value for encrypt.dek.expiry.days: -1"},
		{map[string]string{ParamKEKName: "k", ParamDEKExpiryDays: "x"}, "invalid value for encrypt.dek.expiry.days: x"},
	} {
		_, err := e.NewFieldTransform(ruleContext(rules.Write, "s", c.params))
		wantErr(t, err, c.want)
	}
	rc := ruleContext(rules.Write, "s", nil)
	rc.Target = &rules.SchemaInfo{Metadata: &rules.Metadata{Properties: localParams()}}
	ct := field(t, e, rc, rules.FieldString, "x")
	rc.Mode = rules.Read
	if got := field(t, e, rc, rules.FieldString, ct); got != "x" {
		t.Errorf("with parameters from metadata: %v", got)
	}
}
