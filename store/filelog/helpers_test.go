package filelog

import (
	"bytes"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
)

// testConfig is the configuration most tests use: logs to the test output, no fsync.
func testConfig(t testing.TB) Config {
	return Config{Logger: slog.New(slog.NewTextHandler(t.Output(), nil)), NoSync: true}
}

// mustOpen opens dir and closes the log when the test ends.
func mustOpen(t testing.TB, dir string, cfg Config) *Log {
	t.Helper()
	l, err := Open(dir, cfg)
	if err != nil {
		t.Fatalf("Open(%s) = %v", dir, err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// mustAppend appends recs and returns the first offset.
func mustAppend(t testing.TB, l *Log, recs ...store.Record) int64 {
	t.Helper()
	first, err := l.Append(recs)
	if err != nil {
		t.Fatalf("Append = %v", err)
	}
	return first
}

// readAll returns every record with an offset at or after from.
func readAll(t testing.TB, l *Log, from int64) []store.Record {
	t.Helper()
	var got []store.Record
	err := l.ReadFrom(from, func(r store.Record) error {
		got = append(got, r)
		return nil
	})
	if err != nil {
		t.Fatalf("ReadFrom(%d) = %v", from, err)
	}
	return got
}

// rec builds a record; a nil value is a tombstone.
func rec(key, value string) store.Record {
	r := store.Record{Key: []byte(key)}
	if value != "" {
		r.Value = []byte(value)
	}
	return r
}

// numbered returns n records keyed key-<i> with value value-<i>-<size padding>, for i from start.
func numbered(start, n, size int) []store.Record {
	recs := make([]store.Record, n)
	for i := range recs {
		v := fmt.Sprintf("value-%d-", start+i)
		recs[i] = store.Record{
			Key:   fmt.Appendf(nil, "key-%d", start+i),
			Value: append([]byte(v), bytes.Repeat([]byte{'x'}, max(0, size-len(v)))...),
		}
	}
	return recs
}

// sameRecord reports whether got is want as stored: same offset, key, value (nil-ness
// included) and millisecond timestamp.
func sameRecord(got, want store.Record) bool {
	return got.Offset == want.Offset && got.Timestamp.Equal(want.Timestamp) &&
		bytes.Equal(got.Key, want.Key) && bytes.Equal(got.Value, want.Value) &&
		(got.Value == nil) == (want.Value == nil)
}

// checkRecords fails unless got and want hold the same records in the same order.
func checkRecords(t testing.TB, got, want []store.Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records %v, want %d %v", len(got), offsets(got), len(want), offsets(want))
	}
	for i := range got {
		if !sameRecord(got[i], want[i]) {
			t.Fatalf("record %d = %s, want %s", i, show(got[i]), show(want[i]))
		}
	}
}

func offsets(recs []store.Record) []int64 {
	out := make([]int64, len(recs))
	for i, r := range recs {
		out[i] = r.Offset
	}
	return out
}

func show(r store.Record) string {
	v := "<tombstone>"
	if r.Value != nil {
		v = fmt.Sprintf("%q", r.Value)
	}
	return fmt.Sprintf("{%d %s %q %s}", r.Offset, r.Timestamp.UTC().Format(time.RFC3339Nano), r.Key, v)
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// capture returns a config whose logger writes to the returned buffer.
func capture(t testing.TB) (Config, *syncBuffer) {
	var b syncBuffer
	cfg := testConfig(t)
	cfg.Logger = slog.New(slog.NewTextHandler(&b, nil))
	return cfg, &b
}

// liveOf computes what compaction must keep from recs: the last record per key, unless it is
// a tombstone, in offset order.
func liveOf(recs []store.Record) []store.Record {
	last := map[string]int64{}
	for _, r := range recs {
		last[string(r.Key)] = r.Offset
	}
	var out []store.Record
	for _, r := range recs {
		if last[string(r.Key)] == r.Offset && r.Value != nil {
			out = append(out, r)
		}
	}
	return slices.Clip(out)
}
