package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
)

// maxLookupAllocs bounds the allocations of a lookup by schema of a text the subject stores:
// the answer's GUID string and the effective config's level, nothing that grows with the
// subject's versions or the text's length (no copy of the text, no list of version numbers).
const maxLookupAllocs = 2

// TestLookupOfStoredTextAllocatesLittle looks up, in a subject of ten versions, the text of
// each version as registered, and counts the allocations of one lookup.
func TestLookupOfStoredTextAllocatesLittle(t *testing.T) {
	st, closeStore := openMemoryStore(t, t.TempDir())
	defer closeStore()
	ctx := context.Background()
	var texts []string
	for n := 0; n < 10; n++ {
		s, err := st.Register(ctx, "orders-value", store.SchemaRequest{Type: compat.TypeAvro, Schema: recordWithFields(n), ID: -1}, false)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, s.Text)
	}
	for i, text := range texts {
		req := store.SchemaRequest{Type: compat.TypeAvro, Schema: text, ID: -1}
		var got store.Schema
		allocs := testing.AllocsPerRun(100, func() {
			var err error
			if got, err = st.Lookup(ctx, "orders-value", req, false, false); err != nil {
				t.Fatal(err)
			}
		})
		if got.Version != i+1 {
			t.Fatalf("lookup of version %d's text found version %d", i+1, got.Version)
		}
		if allocs > maxLookupAllocs {
			t.Errorf("lookup of version %d's text: %.0f allocations, want at most %d", i+1, allocs, maxLookupAllocs)
		}
	}
}

// recordWithFields is an Avro record with n optional fields beside its id: each is a
// BACKWARD-compatible successor of the one before.
func recordWithFields(n int) string {
	text := `{"type":"record","name":"R","fields":[{"name":"id","type":"long"}`
	for i := 0; i < n; i++ {
		text += fmt.Sprintf(`,{"name":"f%d","type":["null","string"],"default":null}`, i)
	}
	return text + "]}"
}
