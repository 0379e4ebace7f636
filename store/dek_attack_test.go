package store_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// TestDekNamesThatLookLikeSchemaKeys: a KEK called "keytype" and a DEK of subject
// "keytype" are keys like any other; their records must not be mistaken for `_schemas`
// records (whose keys carry a "keytype" property) and lost at the next restart.
func TestDekNamesThatLookLikeSchemaKeys(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for restart := range 2 {
		st, fl := openKeys(t, dir, store.Config{})
		if restart == 0 {
			if _, err := st.CreateKek(ctx, localKek("keytype")); err != nil {
				t.Fatal(err)
			}
			if _, err := st.CreateDek(ctx, "keytype", store.CreateDek{Subject: "keytype", EncryptedKeyMaterial: ptr("AAAA")}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.Kek(ctx, "keytype", false); err != nil {
			t.Fatalf("restart %d: KEK keytype: %v", restart, err)
		}
		if d, err := st.Dek(ctx, "keytype", "keytype", "", 1, false); err != nil || d.EncryptedKeyMaterial != "AAAA" {
			t.Fatalf("restart %d: DEK keytype = %+v, %v", restart, d, err)
		}
		st.Close()
		if err := fl.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKmsKeyIDIsCheckedAgainstTheNormalisedType: "AWS-KMS" and "aws" are stored as aws-kms,
// so their key id must be an ARN like aws-kms's own.
func TestKmsKeyIDIsCheckedAgainstTheNormalisedType(t *testing.T) {
	ctx := context.Background()
	st, _ := openKeys(t, t.TempDir(), store.Config{})
	for _, typ := range []string{"AWS-KMS", "aws", "Azure", "gcp"} {
		_, err := st.CreateKek(ctx, store.CreateKek{Name: "k", KmsType: ptr(typ), KmsKeyID: ptr("x")})
		wantKeyCode(t, "kmsType "+typ+" with key id x", err, store.CodeInvalidKey)
	}
	if _, err := st.CreateKek(ctx, store.CreateKek{Name: "k", KmsType: ptr("AWS"), KmsKeyID: ptr("arn:aws:kms:us-east-1:1:key/x")}); err != nil {
		t.Fatal(err)
	}
}

// TestKeyRecordsAreBounded: the registry keeps every KEK and DEK in memory, up to
// dek.registry.max.keys of each; a KEK's doc and properties, and a DEK's wrapped key, are a
// few hundred bytes in practice, and must not be megabytes each (Confluent's records are
// bounded by Kafka's message size).
func TestKeyRecordsAreBounded(t *testing.T) {
	ctx := context.Background()
	st, _ := openKeys(t, t.TempDir(), store.Config{})
	big := strings.Repeat("a", store.MaxKeyFieldBytes+1)
	req := localKek("k")
	req.Doc = ptr(big)
	_, err := st.CreateKek(ctx, req)
	wantKeyCode(t, "a huge doc", err, store.CodeInvalidKey)
	req = localKek("k")
	req.KmsProps = map[string]string{"a": big[:store.MaxKeyFieldBytes/2], "b": big[:store.MaxKeyFieldBytes/2]}
	_, err = st.CreateKek(ctx, req)
	wantKeyCode(t, "huge kmsProps", err, store.CodeInvalidKey)
	if _, err := st.CreateKek(ctx, localKek("k")); err != nil {
		t.Fatal(err)
	}
	_, err = st.UpdateKek(ctx, "k", store.UpdateKek{Doc: store.Optional[string]{Set: true, Value: ptr(big)}})
	wantKeyCode(t, "a huge doc by update", err, store.CodeInvalidKey)
	_, err = st.CreateDek(ctx, "k", store.CreateDek{Subject: "s", EncryptedKeyMaterial: ptr(big)})
	wantKeyCode(t, "a huge wrapped key", err, store.CodeInvalidKey)
	ok := strings.Repeat("A", 4096)
	if _, err := st.CreateDek(ctx, "k", store.CreateDek{Subject: "s", EncryptedKeyMaterial: &ok}); err != nil {
		t.Fatal(err)
	}
}

// TestHostileDekRecords: records anyone able to write the keys' log could put there are
// skipped or served under their key, never fatal, and never cost the good keys around them.
func TestHostileDekRecords(t *testing.T) {
	dir := t.TempDir()
	fl, err := filelog.Open(dir, filelog.Config{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	kekKey := `{"tenant":"default","name":"k1","type":"KEK"}`
	dekKey := func(subject, version string) string {
		return `{"tenant":"default","kekName":"k1","subject":"` + subject + `","algorithm":"AES256_GCM","version":` + version + `,"type":"DEK"}`
	}
	dekValue := `{"kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":1,"encryptedKeyMaterial":"AAAA","deleted":false,"type":"DEK"}`
	recs := []store.Record{
		{Key: []byte(kekKey), Value: []byte(`{"name":"k1","kmsType":"local-kms","kmsKeyId":"id","kmsProps":{},"shared":false,"deleted":false,"type":"KEK"}`)},
		{Key: []byte(dekKey("s", "1")), Value: []byte(dekValue)},
		{Key: []byte(kekKey), Value: []byte(dekValue)},                                        // a DEK value under a KEK key
		{Key: []byte(kekKey), Value: []byte(`null`)},                                          // JSON null, not a tombstone
		{Key: []byte(kekKey), Value: []byte(`{"name":"k1","kmsProps":{"a":1},"type":"KEK"}`)}, // wrong types
		{Key: []byte(dekKey("s", `"2"`)), Value: []byte(dekValue)},                            // a version that is a string
		{Key: []byte(dekKey("s", "1e3")), Value: []byte(dekValue)},                            // and a float
		{Key: []byte(dekKey("other", "1")), Value: []byte(dekValue)},                          // the value names subject s
		{Key: []byte(`{"tenant":"default","kekName":"absent","subject":"s","algorithm":"AES256_GCM","version":1,"type":"DEK"}`), Value: []byte(dekValue)},
		{Key: []byte(dekKey("s", "3"))},                                     // a tombstone for an absent key
		{Key: []byte(`{"tenant":"default","name":"nothere","type":"KEK"}`)}, // likewise
		{Key: []byte(`{"tenant":"other","name":"k1","type":"KEK"}`)},        // another tenant's tombstone
		{Key: []byte(`{"type":"KEK"`), Value: []byte(`{`)},                  // truncated
		{Key: []byte(dekKey("s", "99999999999")), Value: []byte(dekValue)},  // beyond int32
	}
	ts := time.UnixMilli(1700000000000)
	for i := range recs {
		recs[i].Timestamp = ts
	}
	if _, err := fl.Append(recs); err != nil {
		t.Fatal(err)
	}
	if err := fl.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for restart := range 2 {
		st, fl := openKeys(t, dir, store.Config{})
		if _, err := st.Kek(ctx, "k1", false); err != nil {
			t.Fatalf("restart %d: KEK k1 lost: %v", restart, err)
		}
		d, err := st.Dek(ctx, "k1", "s", "", 1, false)
		if err != nil || d.EncryptedKeyMaterial != "AAAA" || d.Subject != "s" {
			t.Fatalf("restart %d: DEK s = %+v, %v", restart, d, err)
		}
		if d, err := st.Dek(ctx, "k1", "other", "", 1, false); err != nil || d.Subject != "other" {
			t.Fatalf("restart %d: DEK other = %+v, %v (served under its key)", restart, d, err)
		}
		if d, err := st.Dek(ctx, "k1", "s", "", store.Latest, true); err != nil || d.Version != 1 {
			t.Fatalf("restart %d: latest DEK s = %+v, %v (a version beyond int32 is no DEK: Jackson refuses it)", restart, d, err)
		}
		if _, err := st.DekSubjects(ctx, "k1", true); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Dek(ctx, "absent", "s", "", 1, false); err == nil {
			t.Fatalf("restart %d: a DEK of an absent KEK is served", restart)
		}
		st.Close()
		if err := fl.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKeksBySubjectPrefixEdges: the empty prefix matches every subject, repeated prefixes
// count once, and prefixes beyond ASCII match.
func TestKeksBySubjectPrefixEdges(t *testing.T) {
	ctx := context.Background()
	st, _ := openKeys(t, t.TempDir(), store.Config{})
	for _, k := range []string{"a", "b", "c"} {
		if _, err := st.CreateKek(ctx, localKek(k)); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range [][2]string{{"a", "orders"}, {"b", "größe"}} {
		if _, err := st.CreateDek(ctx, d[0], store.CreateDek{Subject: d[1], EncryptedKeyMaterial: ptr("AAAA")}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		prefixes []string
		want     []string
	}{
		{[]string{""}, []string{"a", "b"}},
		{[]string{"ord", "ord", "ord"}, []string{"a"}},
		{[]string{"grö"}, []string{"b"}},
		{[]string{"orders-"}, nil},
	} {
		got, err := st.Keks(ctx, tc.prefixes, false)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("Keks(%q) = %v, %v; want %v", tc.prefixes, got, err, tc.want)
		}
	}
}

// TestKekSecretsKeptByUpdates: an update that leaves a secret out of kmsProps, or sends it
// as the placeholder, keeps it; one that sends a value replaces it; kmsProps null clears all.
func TestKekSecretsKeptByUpdates(t *testing.T) {
	ctx := context.Background()
	st, _ := openKeys(t, t.TempDir(), store.Config{})
	req := localKek("k")
	req.KmsProps = map[string]string{"secret": "s1", "token.id": "t1", "region": "eu"}
	kek, err := st.CreateKek(ctx, req)
	if err != nil || kek.Redacted().KmsProps["secret"] != "" || kek.Redacted().KmsProps["region"] != "eu" || kek.KmsProps["secret"] != "s1" {
		t.Fatalf("created %+v (redacted %+v), %v", kek, kek.Redacted(), err)
	}
	update := func(props map[string]string, set bool) map[string]string {
		t.Helper()
		u := store.UpdateKek{KmsProps: store.Optional[map[string]string]{Set: true}}
		if set {
			u.KmsProps.Value = &props
		}
		k, err := st.UpdateKek(ctx, "k", u)
		if err != nil {
			t.Fatal(err)
		}
		return k.KmsProps
	}
	if got := update(map[string]string{"region": "us", "token.id": store.RedactedKmsProp}, true); !maps.Equal(got, map[string]string{"secret": "s1", "token.id": "t1", "region": "us"}) {
		t.Errorf("after leaving the secrets out: %v", got)
	}
	if got := update(map[string]string{"secret": "s2"}, true); !maps.Equal(got, map[string]string{"secret": "s2", "token.id": "t1"}) {
		t.Errorf("after replacing one: %v", got)
	}
	if got := update(nil, false); len(got) != 0 {
		t.Errorf("after kmsProps null: %v", got)
	}
}
