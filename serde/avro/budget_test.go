package avro_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/avro"
)

// schemaRegistry answers every id lookup with the Avro schema text given.
func schemaRegistry(t *testing.T, schema string) *serde.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		if !strings.HasPrefix(r.URL.Path, "/schemas/ids/") {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error_code":40403,"message":"Schema not found"}`)
			return
		}
		fmt.Fprintf(w, `{"schema":%q}`, schema)
	}))
	t.Cleanup(srv.Close)
	cl, err := sr.NewClient(sr.URLs(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	return serde.NewClient(cl)
}

func varint(n int64) []byte { return binary.AppendVarint(nil, n) }

// TestDeserializeZeroSizeItemsBounded is the 2026-12 review's record: writer schema
// array<array<null>>, 87 bytes claiming 16 inner arrays of 2^20 nulls each. Nulls take no
// input bytes, so only a budget over the whole record bounds what decoding allocates (it was
// 384 MiB); the record is refused before anything is decoded.
func TestDeserializeZeroSizeItemsBounded(t *testing.T) {
	c := schemaRegistry(t, `{"type":"array","items":{"type":"array","items":"null"}}`)
	de, err := avro.NewGenericDeserializer(c)
	if err != nil {
		t.Fatal(err)
	}
	payload := []byte{0, 0, 0, 0, 9}
	payload = append(payload, varint(16)...)
	for range 16 {
		payload = append(payload, varint(1<<20)...)
		payload = append(payload, varint(0)...)
	}
	payload = append(payload, varint(0)...)
	if len(payload) != 87 {
		t.Fatalf("payload is %d bytes, want the review's 87", len(payload))
	}
	// Fetch the schema first, so that the measurement covers decoding only.
	if _, _, err := de.Deserialize(context.Background(), []byte{0, 0, 0, 0, 9, 0}, nil); err != nil {
		t.Fatalf("an empty outer array: %v", err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, err = de.Deserialize(context.Background(), payload, nil)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "items") {
		t.Errorf("err = %v, want an error about too many items", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("decoding allocated %d MiB, want under 16", alloc>>20)
	}
}

// TestDeserializeZeroSizeItemsCap: records with zero-size items (null, an empty record,
// fixed(0)) decode while their items stay within the cap, counted over the whole record, and
// are refused beyond it; arrays of items that take input bytes are not counted.
func TestDeserializeZeroSizeItemsCap(t *testing.T) {
	schema := `{"type":"record","name":"R","fields":[
		{"name":"a","type":{"type":"array","items":"null"}},
		{"name":"b","type":{"type":"array","items":{"type":"record","name":"E","fields":[]}}},
		{"name":"c","type":{"type":"array","items":{"type":"fixed","name":"F0","size":0}}},
		{"name":"d","type":{"type":"array","items":"int"}},
		{"name":"e","type":{"type":"map","values":"null"}}]}`
	c := schemaRegistry(t, schema)
	record := func(n int64) []byte {
		b := []byte{0, 0, 0, 0, 1}
		for range 3 { // a, b, c: one block of n items, as a negative count with its byte size 0
			b = append(b, varint(-n)...)
			b = append(b, varint(0)...)
			b = append(b, 0)
		}
		b = append(b, varint(20)...) // d: 20 ints
		for range 20 {
			b = append(b, varint(7)...)
		}
		b = append(b, 0)
		b = append(b, varint(1)...) // e: one entry
		b = append(b, varint(1)...)
		b = append(b, 'k', 0)
		return b
	}
	for _, tc := range []struct {
		max, items int64
		ok         bool
	}{{30, 10, true}, {29, 10, false}, {0, 1 << 10, true}} {
		opts := []serde.Option{}
		if tc.max > 0 {
			opts = append(opts, serde.MaxEmptyItems(int(tc.max)))
		}
		de, err := avro.NewGenericDeserializer(c, opts...)
		if err != nil {
			t.Fatal(err)
		}
		v, _, err := de.Deserialize(context.Background(), record(tc.items), nil)
		if (err == nil) != tc.ok {
			t.Errorf("cap %d, 3×%d zero-size items: err = %v, want ok=%v", tc.max, tc.items, err, tc.ok)
			continue
		}
		if m, _ := v.(map[string]any); tc.ok && (len(m["a"].([]any)) != int(tc.items) || len(m["d"].([]any)) != 20) {
			t.Errorf("cap %d: decoded %v", tc.max, v)
		}
	}
}
