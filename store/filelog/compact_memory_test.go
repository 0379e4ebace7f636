package filelog

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/accord-registry/accord/store"
)

// maxCompactBytesPerKey bounds what compaction allocates per distinct key: its index of last
// records holds a fixed-size digest per key, whatever the keys' length.
const maxCompactBytesPerKey = 200

// TestCompactMemoryPerKey compacts 100,000 records of 100,000 distinct keys of about 90 bytes
// (a SCHEMA key of a long subject) and checks the bytes allocated per key.
func TestCompactMemoryPerKey(t *testing.T) {
	const keys = 100_000
	l := mustOpen(t, t.TempDir(), Config{NoSync: true, CompactMinRecords: -1})
	batch := make([]store.Record, 0, 1000)
	for i := range keys {
		batch = append(batch, rec(fmt.Sprintf(`{"keytype":"SCHEMA","subject":"team-%06d.orders.payments-value","version":1,"magic":1}`, i), `{}`))
		if len(batch) == cap(batch) {
			mustAppend(t, l, batch...)
			batch = batch[:0]
		}
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	stats, err := l.Compact()
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Records != keys {
		t.Fatalf("compaction kept %d records, want %d", stats.Records, keys)
	}
	perKey := float64(after.TotalAlloc-before.TotalAlloc) / keys
	t.Logf("compaction allocated %.0f bytes per key", perKey)
	if perKey > maxCompactBytesPerKey {
		t.Errorf("compaction allocated %.0f bytes per key, want at most %d", perKey, maxCompactBytesPerKey)
	}
}
