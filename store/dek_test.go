package store_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// fakeKMS wraps by prefixing "wrapped:" and XOR-ing with 0x5a. Key ids steer failures:
// "denied" refuses access, "broken" fails every call, "no-decrypt" fails only decryption.
type fakeKMS struct{ calls int }

func (f *fakeKMS) Encrypt(_ context.Context, kmsType, keyID string, _ map[string]string, plain []byte) ([]byte, error) {
	f.calls++
	switch keyID {
	case "denied":
		return nil, fmt.Errorf("fake KMS says no: %w", store.ErrKMSAccessDenied)
	case "broken":
		return nil, errors.New("fake KMS is broken")
	}
	out := []byte("wrapped:" + kmsType + ":")
	for _, b := range plain {
		out = append(out, b^0x5a)
	}
	return out, nil
}

func (f *fakeKMS) Decrypt(_ context.Context, kmsType, keyID string, _ map[string]string, wrapped []byte) ([]byte, error) {
	f.calls++
	if keyID == "no-decrypt" || keyID == "broken" {
		return nil, errors.New("fake KMS cannot decrypt")
	}
	rest, ok := bytes.CutPrefix(wrapped, []byte("wrapped:"+kmsType+":"))
	if !ok {
		return nil, errors.New("not wrapped by the fake KMS")
	}
	out := make([]byte, len(rest))
	for i, b := range rest {
		out[i] = b ^ 0x5a
	}
	return out, nil
}

// openKeys opens a DEK-registry store on a file log in dir.
func openKeys(t testing.TB, dir string, cfg store.Config) (*store.Store, *filelog.Log) {
	t.Helper()
	fl, err := filelog.Open(dir, filelog.Config{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Log = fl
	st, err := store.Open(context.Background(), cfg)
	if err != nil {
		fl.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(); fl.Close() })
	return st, fl
}

func wantKeyCode(t *testing.T, what string, err error, code store.Code) {
	t.Helper()
	var se *store.Error
	if !errors.As(err, &se) || se.Code != code {
		t.Fatalf("%s: got %v, want error_code %d", what, err, code)
	}
}

func ptr[T any](v T) *T { return &v }

func localKek(name string) store.CreateKek {
	return store.CreateKek{Name: name, KmsType: ptr("local-kms"), KmsKeyID: ptr("mykey")}
}

// TestDekRegistryLifecycle follows Confluent's RestApiTest.testBasic at the store: create as
// undelete, the soft/permanent delete rules, references, undelete and the lists.
func TestDekRegistryLifecycle(t *testing.T) {
	ctx := context.Background()
	st, _ := openKeys(t, t.TempDir(), store.Config{})
	if _, err := st.CreateKek(ctx, localKek("kek1")); err != nil {
		t.Fatal(err)
	}
	_, err := st.CreateKek(ctx, localKek("kek1"))
	wantKeyCode(t, "second create", err, store.CodeKeyExists)
	if err := st.DeleteKek(ctx, "kek1", false); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateKek(ctx, localKek("kek1")); err != nil {
		t.Fatalf("create over a soft-deleted equal KEK (an undelete): %v", err)
	}
	other := localKek("kek1")
	other.KmsKeyID = ptr("other")
	wantKeyCode(t, "create over a live KEK", func() error { _, err := st.CreateKek(ctx, other); return err }(), store.CodeKeyExists)
	wantKeyCode(t, "permanent delete of a live KEK", st.DeleteKek(ctx, "kek1", true), store.CodeKeyNotSoftDeleted)

	enc := base64.StdEncoding.EncodeToString([]byte("wrapped-by-the-client"))
	dek, err := st.CreateDek(ctx, "kek1", store.CreateDek{Subject: "mysubject", EncryptedKeyMaterial: &enc})
	if err != nil {
		t.Fatal(err)
	}
	if dek.Version != 1 || dek.Algorithm != store.DekAES256GCM || dek.EncryptedKeyMaterial != enc || dek.TS == 0 || dek.KeyMaterial != "" {
		t.Fatalf("created DEK = %+v", dek)
	}
	_, err = st.CreateDek(ctx, "kek1", store.CreateDek{Subject: "bad"})
	wantKeyCode(t, "DEK of a non-shared KEK without material", err, store.CodeInvalidKey)
	wantKeyCode(t, "soft delete of a KEK with DEKs", st.DeleteKek(ctx, "kek1", false), store.CodeKeyReferenceExists)

	if _, err := st.CreateDek(ctx, "kek1", store.CreateDek{Subject: "mysubject", Version: 2, EncryptedKeyMaterial: &enc}); err != nil {
		t.Fatal(err)
	}
	latest, err := st.Dek(ctx, "kek1", "mysubject", "", store.Latest, false)
	if err != nil || latest.Version != 2 {
		t.Fatalf("latest DEK = %+v, %v", latest, err)
	}
	if _, err := st.Dek(ctx, "kek1", "mysubject", "", 99, false); err == nil {
		t.Fatal("version 99 found")
	} else {
		wantKeyCode(t, "missing version", err, store.CodeKeyNotFound)
	}
	wantKeyCode(t, "permanent delete of live DEKs", st.DeleteDeks(ctx, "kek1", "mysubject", "", true), store.CodeKeyNotSoftDeleted)
	if err := st.DeleteDek(ctx, "kek1", "mysubject", "", 2, false); err != nil {
		t.Fatal(err)
	}
	versions, _ := st.DekVersions(ctx, "kek1", "mysubject", "", false)
	all, _ := st.DekVersions(ctx, "kek1", "mysubject", "", true)
	if !slices.Equal(versions, []int{1}) || !slices.Equal(all, []int{1, 2}) {
		t.Fatalf("versions = %v, with deleted %v", versions, all)
	}
	if err := st.DeleteDeks(ctx, "kek1", "mysubject", "", false); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteKek(ctx, "kek1", false); err != nil {
		t.Fatal(err)
	}
	wantKeyCode(t, "undelete of DEKs under a deleted KEK", st.UndeleteDeks(ctx, "kek1", "mysubject", ""), store.CodeKeySoftDeleted)
	wantKeyCode(t, "permanent delete of a KEK with deleted DEKs", st.DeleteKek(ctx, "kek1", true), store.CodeKeyReferenceExists)
	if err := st.DeleteDeks(ctx, "kek1", "mysubject", "", true); err != nil {
		t.Fatal(err)
	}
	wantKeyCode(t, "second permanent delete", st.DeleteDeks(ctx, "kek1", "mysubject", "", true), store.CodeKeyNotFound)
	if err := st.DeleteKek(ctx, "kek1", true); err != nil {
		t.Fatal(err)
	}
	names, _ := st.Keks(ctx, nil, true)
	if len(names) != 0 {
		t.Fatalf("KEKs after permanent delete = %v", names)
	}
}

// TestDekLists: subject prefixes select KEKs through their DEKs; subjects are distinct and
// sorted.
func TestDekLists(t *testing.T) {
	ctx := context.Background()
	st, _ := openKeys(t, t.TempDir(), store.Config{})
	enc := "ZW5j"
	for _, k := range []string{"kek1", "kek3"} {
		if _, err := st.CreateKek(ctx, localKek(k)); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range [][2]string{{"kek1", "mysubject2"}, {"kek1", "mysubject"}, {"kek3", "foosubject"}} {
		if _, err := st.CreateDek(ctx, d[0], store.CreateDek{Subject: d[1], EncryptedKeyMaterial: &enc}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.CreateDek(ctx, "kek1", store.CreateDek{Subject: "mysubject", Algorithm: store.DekAES256SIV, EncryptedKeyMaterial: &enc}); err != nil {
		t.Fatal(err)
	}
	subjects, _ := st.DekSubjects(ctx, "kek1", false)
	if !slices.Equal(subjects, []string{"mysubject", "mysubject2"}) {
		t.Fatalf("subjects = %v", subjects)
	}
	for prefixes, want := range map[string][]string{"foo": {"kek3"}, "mysubject2": {"kek1"}, "foo,mysubject2": {"kek1", "kek3"}, "x": nil} {
		got, _ := st.Keks(ctx, splitComma(prefixes), false)
		if !slices.Equal(got, want) {
			t.Errorf("Keks(%s) = %v, want %v", prefixes, got, want)
		}
	}
}

func splitComma(s string) []string {
	var out []string
	for _, p := range bytes.Split([]byte(s), []byte(",")) {
		out = append(out, string(p))
	}
	return out
}

// TestDekRecordsAsConfluentWritesThem pins the exact key bytes (Jackson's order: the
// creator's properties, then the type) and values of the records.
func TestDekRecordsAsConfluentWritesThem(t *testing.T) {
	ctx := context.Background()
	st, fl := openKeys(t, t.TempDir(), store.Config{})
	kek := localKek("kek1")
	kek.KmsProps = map[string]string{"b": "2", "a": "1"}
	kek.Doc = ptr("my doc")
	if _, err := st.CreateKek(ctx, kek); err != nil {
		t.Fatal(err)
	}
	enc := "ZW5j"
	if _, err := st.CreateDek(ctx, "kek1", store.CreateDek{Subject: ":.ctx:orders", EncryptedKeyMaterial: &enc}); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteDeks(ctx, "kek1", ":.ctx:orders", "", false); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteDeks(ctx, "kek1", ":.ctx:orders", "", true); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"tenant":"default","name":"kek1","type":"KEK"}` + " " +
			`{"name":"kek1","kmsType":"local-kms","kmsKeyId":"mykey","kmsProps":{"a":"1","b":"2"},"doc":"my doc","shared":false,"deleted":false,"type":"KEK"}`,
		`{"tenant":"default","kekName":"kek1","subject":":.ctx:orders","algorithm":"AES256_GCM","version":1,"type":"DEK"}` + " " +
			`{"kekName":"kek1","subject":":.ctx:orders","algorithm":"AES256_GCM","version":1,"encryptedKeyMaterial":"ZW5j","deleted":false,"type":"DEK"}`,
		`{"tenant":"default","kekName":"kek1","subject":":.ctx:orders","algorithm":"AES256_GCM","version":1,"type":"DEK"}` + " " +
			`{"kekName":"kek1","subject":":.ctx:orders","algorithm":"AES256_GCM","version":1,"encryptedKeyMaterial":"ZW5j","deleted":true,"type":"DEK"}`,
		`{"tenant":"default","kekName":"kek1","subject":":.ctx:orders","algorithm":"AES256_GCM","version":1,"type":"DEK"}` + " null",
	}
	var got []string
	_ = fl.ReadFrom(0, func(r store.Record) error {
		v := "null"
		if r.Value != nil {
			v = string(r.Value)
		}
		got = append(got, string(r.Key)+" "+v)
		return nil
	})
	if !slices.Equal(got, want) {
		t.Fatalf("records:\n%s\nwant:\n%s", joinLines(got), joinLines(want))
	}
}

func joinLines(lines []string) string {
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	return b.String()
}

// TestDekRegistryReadsConfluentRecords: a log written by Confluent (hand-written records,
// with a soft delete, a tombstone, another tenant and an unknown algorithm) is served, its
// timestamps as the keys' ts, and survives a restart.
func TestDekRegistryReadsConfluentRecords(t *testing.T) {
	dir := t.TempDir()
	fl, err := filelog.Open(dir, filelog.Config{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	ts := time.UnixMilli(1700000000123)
	recs := []store.Record{
		{Key: []byte(`{"tenant":"default","type":"KEK","name":"k1"}`), Value: []byte(`{"type":"KEK","name":"k1","kmsType":"local-kms","kmsKeyId":"id","kmsProps":{},"doc":null,"shared":false,"deleted":false}`)},
		{Key: []byte(`{"tenant":"default","type":"DEK","kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":1}`), Value: []byte(`{"type":"DEK","kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":1,"encryptedKeyMaterial":"AAAA","deleted":false}`)},
		{Key: []byte(`{"tenant":"default","type":"DEK","kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":2}`), Value: []byte(`{"type":"DEK","kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":2,"encryptedKeyMaterial":"BBBB","deleted":false}`)},
		{Key: []byte(`{"tenant":"default","type":"DEK","kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":2}`), Value: []byte(`{"type":"DEK","kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":2,"encryptedKeyMaterial":"BBBB","deleted":true}`)},
		{Key: []byte(`{"tenant":"default","type":"DEK","kekName":"k1","subject":"gone","algorithm":"AES256_GCM","version":1}`), Value: []byte(`{"type":"DEK","kekName":"k1","subject":"gone","algorithm":"AES256_GCM","version":1,"encryptedKeyMaterial":"CCCC","deleted":true}`)},
		{Key: []byte(`{"tenant":"default","type":"DEK","kekName":"k1","subject":"gone","algorithm":"AES256_GCM","version":1}`)},
		{Key: []byte(`{"tenant":"lsrc-123","type":"KEK","name":"k2"}`), Value: []byte(`{"type":"KEK","name":"k2","kmsType":"local-kms","kmsKeyId":"id","shared":false,"deleted":false}`)},
		{Key: []byte(`{"tenant":"default","type":"DEK","kekName":"k1","subject":"s","algorithm":"AES512","version":1}`), Value: []byte(`{"type":"DEK"}`)},
	}
	for i := range recs {
		recs[i].Timestamp = ts.Add(time.Duration(i) * time.Millisecond)
	}
	if _, err := fl.Append(recs); err != nil {
		t.Fatal(err)
	}
	if err := fl.Close(); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second time after a restart
		st, fl := openKeys(t, dir, store.Config{})
		ctx := context.Background()
		kek, err := st.Kek(ctx, "k1", false)
		if err != nil || kek.TS != 1700000000123 || kek.Doc != nil || kek.KmsProps == nil {
			t.Fatalf("KEK = %+v, %v", kek, err)
		}
		latest, err := st.Dek(ctx, "k1", "s", "", store.Latest, false)
		if err != nil || latest.Version != 1 || latest.EncryptedKeyMaterial != "AAAA" || latest.TS != 1700000000124 {
			t.Fatalf("latest live DEK = %+v, %v", latest, err)
		}
		deleted, err := st.Dek(ctx, "k1", "s", "", store.Latest, true)
		if err != nil || deleted.Version != 2 || !deleted.Deleted {
			t.Fatalf("latest DEK with deleted = %+v, %v", deleted, err)
		}
		subjects, _ := st.DekSubjects(ctx, "k1", true)
		names, _ := st.Keks(ctx, nil, true)
		if !slices.Equal(subjects, []string{"s"}) || !slices.Equal(names, []string{"k1"}) {
			t.Fatalf("subjects %v, KEKs %v", subjects, names)
		}
		st.Close()
		if err := fl.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSharedKek: the registry generates, wraps and unwraps a shared KEK's DEKs through the
// KMS, returns keyMaterial only for them, and leaves nothing behind when the KMS fails.
func TestSharedKek(t *testing.T) {
	ctx := context.Background()
	kms := &fakeKMS{}
	st, _ := openKeys(t, t.TempDir(), store.Config{KMS: kms})
	shared := localKek("shared")
	shared.Shared = true
	if _, err := st.CreateKek(ctx, shared); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TestKek(ctx, "shared"); err != nil {
		t.Fatalf("test of a shared KEK: %v", err)
	}
	dek, err := st.CreateDek(ctx, "shared", store.CreateDek{Subject: "s"})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(dek.KeyMaterial)
	if len(raw) != 34 || raw[0] != 0x1a || raw[1] != 0x20 || dek.EncryptedKeyMaterial == "" {
		t.Fatalf("generated DEK = %+v (raw %x)", dek, raw)
	}
	got, err := st.Dek(ctx, "shared", "s", "", 1, false)
	if err != nil || got.KeyMaterial != dek.KeyMaterial {
		t.Fatalf("read DEK = %+v, %v; want key material %s", got, err, dek.KeyMaterial)
	}
	siv, err := st.CreateDek(ctx, "shared", store.CreateDek{Subject: "d", Algorithm: store.DekAES256SIV})
	if raw, _ := base64.StdEncoding.DecodeString(siv.KeyMaterial); err != nil || len(raw) != 66 || raw[0] != 0x12 || raw[1] != 0x40 {
		t.Fatalf("AES256_SIV DEK = %+v, %v", siv, err)
	}
	_, err = st.CreateDek(ctx, "shared", store.CreateDek{Subject: "s"})
	wantKeyCode(t, "second create without rewrap", err, store.CodeKeyExists)
	rewrapped, err := st.CreateDek(ctx, "shared", store.CreateDek{Subject: "s", Rewrap: true})
	if err != nil || rewrapped.KeyMaterial != dek.KeyMaterial {
		t.Fatalf("rewrap = %+v, %v; want the same raw key", rewrapped, err)
	}
	imported, err := st.CreateDek(ctx, "shared", store.CreateDek{Subject: "imported", Importing: true})
	if err != nil || imported.KeyMaterial != "" || imported.EncryptedKeyMaterial == "" {
		t.Fatalf("DEK created in IMPORT mode = %+v, %v", imported, err)
	}

	for keyID, code := range map[string]store.Code{"denied": store.CodeKMSAccessDenied, "broken": store.CodeDekGeneration, "no-decrypt": store.CodeDekGeneration} {
		kek := store.CreateKek{Name: "k-" + keyID, KmsType: ptr("local-kms"), KmsKeyID: ptr(keyID), Shared: true}
		if _, err := st.CreateKek(ctx, kek); err != nil {
			t.Fatal(err)
		}
		for attempt := range 2 { // a retry fails the same way: no orphan record turns it into 409
			_, err := st.CreateDek(ctx, kek.Name, store.CreateDek{Subject: "s"})
			wantKeyCode(t, fmt.Sprintf("%s attempt %d", keyID, attempt), err, code)
		}
		if subjects, _ := st.DekSubjects(ctx, kek.Name, true); len(subjects) != 0 {
			t.Fatalf("%s: DEKs left behind: %v", keyID, subjects)
		}
		kek.TestSharing = true
		kek.Name += "-tested"
		_, err := st.CreateKek(ctx, kek)
		if keyID == "no-decrypt" {
			if err != nil {
				t.Fatalf("testSharing needs only encryption: %v", err)
			}
			continue
		}
		wantKeyCode(t, keyID+" with testSharing", err, code)
	}

	_, err = st.TestKek(ctx, "k-denied")
	wantKeyCode(t, "test of a KEK the KMS refuses", err, store.CodeKMSAccessDenied)
	if _, err := st.CreateKek(ctx, localKek("plain")); err != nil {
		t.Fatal(err)
	}
	_, err = st.TestKek(ctx, "plain")
	wantKeyCode(t, "test of a non-shared KEK", err, store.CodeInvalidKey)
}

// TestSharedKekWithoutKMS: a registry without a KMS answers shared-KEK work 50070.
func TestSharedKekWithoutKMS(t *testing.T) {
	ctx := context.Background()
	st, _ := openKeys(t, t.TempDir(), store.Config{})
	shared := localKek("shared")
	shared.Shared = true
	if _, err := st.CreateKek(ctx, shared); err != nil {
		t.Fatal(err)
	}
	_, err := st.CreateDek(ctx, "shared", store.CreateDek{Subject: "s"})
	wantKeyCode(t, "DEK of a shared KEK without KMS", err, store.CodeDekGeneration)
}

// TestDekRegistryLimits: more than MaxKeys keys is 40972 (Confluent counts before adding, and
// refuses only above the limit); names and subjects are checked as Confluent's resource does.
func TestDekRegistryLimits(t *testing.T) {
	ctx := context.Background()
	st, _ := openKeys(t, t.TempDir(), store.Config{MaxKeys: 1})
	for i, want := range []store.Code{0, 0, store.CodeTooManyKeys} {
		_, err := st.CreateKek(ctx, localKek(fmt.Sprintf("k%d", i)))
		if want == 0 && err != nil {
			t.Fatalf("KEK %d: %v", i, err)
		}
		if want != 0 {
			wantKeyCode(t, "one KEK too many", err, want)
		}
	}
	for _, name := range []string{"", "1abc", "a b", "a.b", string(make([]byte, 257))} {
		_, err := st.CreateKek(ctx, localKek(name))
		wantKeyCode(t, fmt.Sprintf("name %q", name), err, store.CodeInvalidKey)
	}
	for _, name := range []string{"_a", "é-1_x"} {
		if err := store.CheckKekName(name); err != nil {
			t.Errorf("name %q refused: %v", name, err)
		}
	}
	for _, bad := range []store.CreateKek{
		{Name: "k", KmsType: ptr("local-kms")},
		{Name: "k", KmsType: ptr("local-kms"), KmsKeyID: ptr("")},
		{Name: "k", KmsKeyID: ptr("id")},
		{Name: "k", KmsType: ptr("aws-kms"), KmsKeyID: ptr("not-an-arn")},
	} {
		_, err := st.CreateKek(ctx, bad)
		wantKeyCode(t, fmt.Sprintf("request %+v", bad), err, store.CodeInvalidKey)
	}
	wantKeyCode(t, "subject with a control character", store.CheckDekSubject("a\x01b"), store.CodeInvalidKey)
}

// TestUpdateKek: the tri-state fields of PUT; kmsType is normalised on create.
func TestUpdateKek(t *testing.T) {
	ctx := context.Background()
	st, _ := openKeys(t, t.TempDir(), store.Config{})
	req := store.CreateKek{Name: "k", KmsType: ptr("AWS"), KmsKeyID: ptr("arn:aws:kms:us-east-1:1:key/x"),
		KmsProps: map[string]string{"a": "1"}, Doc: ptr("d")}
	created, err := st.CreateKek(ctx, req)
	if err != nil || created.KmsType != "aws-kms" {
		t.Fatalf("created %+v, %v", created, err)
	}
	same, err := st.UpdateKek(ctx, "k", store.UpdateKek{})
	if err != nil || same.TS != created.TS {
		t.Fatalf("empty update = %+v, %v", same, err)
	}
	cleared, err := st.UpdateKek(ctx, "k", store.UpdateKek{Doc: store.Optional[string]{Set: true}, Shared: store.Optional[bool]{Set: true, Value: ptr(true)}})
	if err != nil || cleared.Doc != nil || !cleared.Shared || cleared.KmsProps["a"] != "1" {
		t.Fatalf("update = %+v, %v", cleared, err)
	}
	if err := st.DeleteKek(ctx, "k", false); err != nil {
		t.Fatal(err)
	}
	_, err = st.UpdateKek(ctx, "k", store.UpdateKek{})
	wantKeyCode(t, "update of a deleted KEK", err, store.CodeKeyNotFound)
}
