package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/accord-registry/accord/store"
)

// BenchmarkKeksBySubjectPrefix: a KEK list by subject prefix with a query string full of
// prefixes (a URL may carry tens of thousands) over a registry of many DEKs costs in the
// length of the subjects, not their number times the prefixes', since it holds the store's
// read lock throughout.
func BenchmarkKeksBySubjectPrefix(b *testing.B) {
	ctx := context.Background()
	st, _ := openKeys(b, b.TempDir(), store.Config{})
	if _, err := st.CreateKek(ctx, localKek("k")); err != nil {
		b.Fatal(err)
	}
	for i := range 2000 {
		if _, err := st.CreateDek(ctx, "k", store.CreateDek{Subject: fmt.Sprintf("orders-%d-value", i), EncryptedKeyMaterial: ptr("AAAA")}); err != nil {
			b.Fatal(err)
		}
	}
	prefixes := make([]string, 20000)
	for i := range prefixes {
		prefixes[i] = fmt.Sprintf("payments-%d", i)
	}
	b.ResetTimer()
	for range b.N {
		if names, err := st.Keks(ctx, prefixes, false); err != nil || len(names) != 0 {
			b.Fatal(names, err)
		}
	}
}
