package store_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// maxBytesPerSchema is the bound on the memory a stored schema costs beyond its
// canonical text, at a million schemas.
const maxBytesPerSchema = 1024

// TestMemoryPerSchema registers schemas (Avro and JSON Schema, ten versions per subject, each
// passing a BACKWARD check against the previous one, so the registration path's caches fill as
// they do in service), then reopens the log, and checks both times that each schema costs at
// most maxBytesPerSchema of heap beyond its text. The cost is the marginal one, between two
// sizes, so that the bounded caches and the fixed structures do not count.
func TestMemoryPerSchema(t *testing.T) {
	if testing.Short() {
		t.Skip("registers 24,000 schemas")
	}
	const small, large = 8_000, 24_000
	dir := t.TempDir()
	st, closeStore := openMemoryStore(t, dir)
	registered := heapAfter(func() { registerScaleSchemas(t, st, 0, small) })
	text := registerScaleSchemas(t, st, small, large)
	grown := heapAfter(func() {})
	perSchema := (float64(grown-registered) - float64(text)) / float64(large-small)
	t.Logf("registered: %.0f bytes per schema beyond %.0f bytes of text", perSchema, float64(text)/float64(large-small))
	if perSchema > maxBytesPerSchema {
		t.Errorf("registered: %.0f bytes per schema beyond its text, want at most %d", perSchema, maxBytesPerSchema)
	}
	closeStore()
	runtime.GC()

	before := heapAfter(func() {})
	reopened, closeReopened := openMemoryStore(t, dir)
	defer closeReopened()
	after := heapAfter(func() {})
	totalText := textOf(t, reopened, large)
	perSchema = (float64(after-before) - float64(totalText)) / large
	t.Logf("replayed: %.0f bytes per schema beyond its text", perSchema)
	if perSchema > maxBytesPerSchema {
		t.Errorf("replayed: %.0f bytes per schema beyond its text, want at most %d", perSchema, maxBytesPerSchema)
	}
	runtime.KeepAlive(reopened)
}

func openMemoryStore(t *testing.T, dir string) (*store.Store, func()) {
	t.Helper()
	fl, err := filelog.Open(dir, filelog.Config{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), store.Config{Log: fl})
	if err != nil {
		fl.Close()
		t.Fatal(err)
	}
	return st, func() { st.Close(); fl.Close() }
}

// heapAfter runs fn and returns the live heap after a full collection.
func heapAfter(fn func()) uint64 {
	fn()
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// scaleSubject and scaleSchema name schema n of the memory test: subject n/10, version n%10+1.
func scaleSubject(n int) string { return fmt.Sprintf("memory-%06d-value", n/10) }

func scaleSchema(n int) store.SchemaRequest {
	fields := n%10 + 1
	if n/10%2 == 1 {
		var props strings.Builder
		for f := range fields {
			fmt.Fprintf(&props, `,"f%d":{"type":"string"}`, f)
		}
		return store.SchemaRequest{Type: compat.TypeJSON, ID: -1,
			Schema: fmt.Sprintf(`{"type":"object","additionalProperties":false,"properties":{"id":{"type":"integer"}%s}}`, props.String())}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `{"type":"record","name":"R%d","namespace":"memory","fields":[{"name":"id","type":"long"}`, n/10)
	for f := range fields {
		fmt.Fprintf(&b, `,{"name":"f%d","type":["null","string"],"default":null}`, f)
	}
	b.WriteString("]}")
	return store.SchemaRequest{Type: compat.TypeAvro, Schema: b.String(), ID: -1}
}

// registerScaleSchemas registers schemas [from, to) and returns the bytes of their texts.
func registerScaleSchemas(t *testing.T, st *store.Store, from, to int) int {
	t.Helper()
	text := 0
	for n := from; n < to; n++ {
		got, err := st.Register(context.Background(), scaleSubject(n), scaleSchema(n), false)
		if err != nil {
			t.Fatalf("register %d: %v", n, err)
		}
		text += len(got.Text)
	}
	return text
}

// textOf returns the bytes of the texts of schemas [0, n).
func textOf(t *testing.T, st *store.Store, n int) int {
	t.Helper()
	text := 0
	for i := range n {
		got, err := st.Version(context.Background(), scaleSubject(i), i%10+1, false)
		if err != nil {
			t.Fatalf("schema %d: %v", i, err)
		}
		text += len(got.Text)
	}
	return text
}
