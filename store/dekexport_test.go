package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/accord-registry/accord/store"
)

// TestWrappedDeks checks that an exporter gets the DEKs of the subjects it asks for, soft-
// deleted ones included, in key order, and those of a shared KEK without a call to the KMS.
func TestWrappedDeks(t *testing.T) {
	ctx := context.Background()
	kms := &fakeKMS{}
	st, _ := openKeys(t, t.TempDir(), store.Config{KMS: kms})
	shared := localKek("b-shared")
	shared.Shared = true
	for _, k := range []store.CreateKek{localKek("a-kek"), shared} {
		if _, err := st.CreateKek(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	enc := "d3JhcHBlZA=="
	for _, d := range []struct {
		kek, subject string
		version      int
	}{{"a-kek", "s", 2}, {"a-kek", "s", 1}, {"a-kek", "other", 1}, {"a-kek", ":.ctx:s", 1}} {
		if _, err := st.CreateDek(ctx, d.kek, store.CreateDek{Subject: d.subject, Version: d.version, EncryptedKeyMaterial: &enc}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.CreateDek(ctx, "b-shared", store.CreateDek{Subject: "s"}); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteDek(ctx, "a-kek", "s", "", 1, false); err != nil {
		t.Fatal(err)
	}
	calls := kms.calls
	deks, err := st.WrappedDeks(ctx, func(subject string) bool { return subject == "s" || subject == ":.ctx:s" })
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range deks {
		got = append(got, fmt.Sprintf("%s/%s/%d%s", d.KekName, d.Subject, d.Version, map[bool]string{true: "-deleted"}[d.Deleted]))
		if d.EncryptedKeyMaterial == "" || d.KeyMaterial != "" {
			t.Errorf("%+v: want the wrapped key only", d)
		}
	}
	want := []string{"a-kek/:.ctx:s/1", "a-kek/s/1-deleted", "a-kek/s/2", "b-shared/s/1"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if kms.calls != calls {
		t.Errorf("the KMS was called %d times", kms.calls-calls)
	}
}
