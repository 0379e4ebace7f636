package filelog

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/accord-registry/accord/store"
)

// history appends overwrites and deletes of a few keys and returns every record as written.
func history(t *testing.T, l *Log) []store.Record {
	recs := []store.Record{
		rec("a", "a1"), rec("b", "b1"), rec("c", "c1"), rec("a", "a2"),
		rec("b", ""), rec("d", "d1"), rec("c", "c2"), rec("b", "b2"),
		rec("e", "e1"), rec("d", ""), rec("a", "a3"), rec("e", ""),
	}
	mustAppend(t, l, recs...)
	return recs
}

func TestCompact(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l := mustOpen(t, dir, testConfig(t))
	all := history(t, l)
	want := liveOf(all) // c2 b2 a3, at offsets 6, 7, 10
	if got := offsets(want); fmt.Sprint(got) != "[6 7 10]" {
		t.Fatalf("test bug: live offsets %v", got)
	}
	before := l.Stats()
	s, err := l.Compact()
	if err != nil {
		t.Fatalf("Compact = %v", err)
	}
	if s.Records != 3 || s.LiveKeys != 3 || s.End != 12 || s.Bytes >= before.Bytes {
		t.Fatalf("Compact stats = %+v (before %+v), want 3 records, 3 live keys, end 12, fewer bytes", s, before)
	}
	checkRecords(t, readAll(t, l, 0), want)
	checkRecords(t, readAll(t, l, 7), want[1:])
	if got := l.End(); got != 12 {
		t.Fatalf("End() after Compact = %d, want 12 (offset 11 was dropped, not forgotten)", got)
	}
	l.Close()

	l = mustOpen(t, dir, testConfig(t))
	checkRecords(t, readAll(t, l, 0), want)
	if got := l.End(); got != 12 {
		t.Fatalf("End() after reopening a compacted log = %d, want 12", got)
	}
	more := []store.Record{rec("a", "a4")}
	if first := mustAppend(t, l, more...); first != 12 {
		t.Fatalf("Append after compaction = %d, want 12", first)
	}
	checkRecords(t, readAll(t, l, 0), append(want, more...))
	if _, err := l.Compact(); err != nil {
		t.Fatalf("second Compact = %v", err)
	}
	checkRecords(t, readAll(t, l, 0), []store.Record{want[0], want[1], more[0]})
}

func TestCompactEverythingDeleted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l := mustOpen(t, dir, testConfig(t))
	mustAppend(t, l, rec("a", "1"), rec("a", ""))
	if s, err := l.Compact(); err != nil || s.Records != 0 || s.Bytes != headerSize {
		t.Fatalf("Compact = %+v, %v; want an empty file", s, err)
	}
	l.Close()
	l = mustOpen(t, dir, testConfig(t))
	if got := l.End(); got != 2 {
		t.Fatalf("End() after reopening = %d, want 2", got)
	}
	if got := readAll(t, l, 0); len(got) != 0 {
		t.Fatalf("records after compaction: %v", offsets(got))
	}
}

// TestCompactTail appends while Compact copies its snapshot: those records are in the
// compacted file, superseded or not.
func TestCompactTail(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := testConfig(t)
	var l *Log
	var tail []store.Record
	cfg.compactHook = func() {
		tail = []store.Record{rec("a", "a9"), rec("x", "x1"), rec("x", "x2"), rec("c", "")}
		if _, err := l.Append(tail); err != nil {
			t.Errorf("Append during Compact = %v", err)
		}
	}
	l = mustOpen(t, dir, cfg)
	all := history(t, l)
	if _, err := l.Compact(); err != nil {
		t.Fatalf("Compact = %v", err)
	}
	want := append(liveOf(all), tail...)
	checkRecords(t, readAll(t, l, 0), want)
	if s := l.Stats(); s.LiveKeys != 3 || s.End != 16 { // a, b, x
		t.Fatalf("Stats() = %+v, want 3 live keys and end 16", s)
	}
	l.Close()
	l = mustOpen(t, dir, testConfig(t))
	checkRecords(t, readAll(t, l, 0), want)
}

// TestCompactUnderReader compacts in the middle of a ReadFrom: the reader goes on reading the
// file it started with.
func TestCompactUnderReader(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), testConfig(t))
	all := history(t, l)
	var got []store.Record
	err := l.ReadFrom(0, func(r store.Record) error {
		got = append(got, r)
		if len(got) == 2 {
			_, err := l.Compact()
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatalf("ReadFrom = %v", err)
	}
	checkRecords(t, got, all)
	checkRecords(t, readAll(t, l, 0), liveOf(all))
}

// TestCompactConcurrent appends, syncs and reads from many goroutines while compacting
// repeatedly. Every record appended under a unique key must survive, unchanged.
func TestCompactConcurrent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l := mustOpen(t, dir, testConfig(t))
	const writers, perWriter = 8, 200
	var mu sync.Mutex
	var acked []store.Record
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				// A churned key, superseded all the time, and a unique key that must stay.
				batch := []store.Record{rec(fmt.Sprintf("churn-%d", i%5), "v"), rec(fmt.Sprintf("w%d-%d", w, i), fmt.Sprint(i))}
				if _, err := l.Append(batch); err != nil {
					t.Errorf("Append = %v", err)
					return
				}
				mu.Lock()
				acked = append(acked, batch[1])
				mu.Unlock()
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			if _, err := l.Compact(); err != nil {
				t.Errorf("Compact = %v", err)
			}
			if err := l.ReadFrom(0, checkOrdered(t)); err != nil {
				t.Errorf("ReadFrom = %v", err)
			}
		}
	})
	wg.Wait()
	checkContains(t, l, acked)
	l.Close()
	checkContains(t, mustOpen(t, dir, testConfig(t)), acked)
}

// checkOrdered returns a ReadFrom callback failing on offsets that do not increase.
func checkOrdered(t *testing.T) func(store.Record) error {
	prev := int64(-1)
	return func(r store.Record) error {
		if r.Offset <= prev {
			return fmt.Errorf("offset %d after %d", r.Offset, prev)
		}
		prev = r.Offset
		return nil
	}
}

// checkContains fails unless every record of want is in l, unchanged.
func checkContains(t *testing.T, l *Log, want []store.Record) {
	t.Helper()
	byOffset := map[int64]store.Record{}
	for _, r := range readAll(t, l, 0) {
		byOffset[r.Offset] = r
	}
	for _, w := range want {
		if got, ok := byOffset[w.Offset]; !ok || !sameRecord(got, w) {
			t.Fatalf("record at offset %d = %s (present: %t), want %s", w.Offset, show(got), ok, show(w))
		}
	}
}

func TestAutoCompactAtOpen(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		keys, n   int // n records cycling over keys
		min       int
		compacted bool
	}{
		{name: "mostly dead", keys: 10, n: 100, min: 50, compacted: true},
		{name: "exactly half dead", keys: 50, n: 100, min: 50, compacted: true},
		{name: "mostly live", keys: 60, n: 100, min: 50},
		{name: "too small", keys: 10, n: 100, min: 100},
		{name: "disabled", keys: 10, n: 100, min: -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			l := mustOpen(t, dir, testConfig(t))
			for i := range tc.n {
				mustAppend(t, l, rec(fmt.Sprint("k", i%tc.keys), fmt.Sprint(i)))
			}
			all := readAll(t, l, 0)
			l.Close()
			cfg, logs := capture(t)
			cfg.CompactMinRecords = tc.min
			l = mustOpen(t, dir, cfg)
			want, line := all, "compacted log"
			if tc.compacted {
				want = liveOf(all)
				line = fmt.Sprintf("msg=\"compacted log\" dir=%s records_before=%d records_after=%d", dir, tc.n, tc.keys)
			}
			checkRecords(t, readAll(t, l, 0), want)
			if strings.Contains(logs.String(), line) != tc.compacted {
				t.Fatalf("log output %q, want %q: %t", logs.String(), line, tc.compacted)
			}
		})
	}
}
