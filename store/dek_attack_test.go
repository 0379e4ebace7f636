package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/accord-registry/accord/store"
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
