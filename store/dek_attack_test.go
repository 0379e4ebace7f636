package store_test

import (
	"context"
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
