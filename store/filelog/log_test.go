package filelog

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
)

func TestAppendReadReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l := mustOpen(t, dir, testConfig(t))
	if got := l.End(); got != 0 {
		t.Fatalf("End() of a new log = %d, want 0", got)
	}
	want := numbered(0, 5, 40)
	if first := mustAppend(t, l, want[:2]...); first != 0 {
		t.Fatalf("first Append = %d, want 0", first)
	}
	if first := mustAppend(t, l, want[2:]...); first != 2 {
		t.Fatalf("second Append = %d, want 2", first)
	}
	for i, r := range want {
		if r.Offset != int64(i) || r.Timestamp.IsZero() {
			t.Fatalf("Append left record %d as %s, want offset %d and a timestamp", i, show(r), i)
		}
	}
	checkRecords(t, readAll(t, l, 0), want)
	if err := l.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}

	l = mustOpen(t, dir, testConfig(t))
	checkRecords(t, readAll(t, l, 0), want)
	if got := l.End(); got != 5 {
		t.Fatalf("End() after reopen = %d, want 5", got)
	}
	more := numbered(5, 1, 10)
	if first := mustAppend(t, l, more...); first != 5 {
		t.Fatalf("Append after reopen = %d, want 5", first)
	}
	checkRecords(t, readAll(t, l, 0), append(want, more...))
}

func TestTombstonesAndEmptyValues(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l := mustOpen(t, dir, testConfig(t))
	want := []store.Record{
		rec("a", "1"),
		{Key: []byte("b"), Value: []byte{}}, // empty, not deleted
		rec("a", ""),                        // tombstone
		{Key: nil, Value: []byte("nil key")},
	}
	mustAppend(t, l, want...)
	want[3].Key = []byte{} // a nil key reads back empty
	checkRecords(t, readAll(t, l, 0), want)
	got := readAll(t, l, 0)
	if got[1].Value == nil || got[2].Value != nil {
		t.Fatalf("values read back as %v and %v, want empty non-nil and nil", got[1].Value, got[2].Value)
	}
	if s := l.Stats(); s.Records != 4 || s.LiveKeys != 2 {
		t.Fatalf("Stats() = %+v, want 4 records and 2 live keys (b and the empty key)", s)
	}
	l.Close()
	l = mustOpen(t, dir, testConfig(t))
	checkRecords(t, readAll(t, l, 0), want)
	if s := l.Stats(); s.LiveKeys != 2 {
		t.Fatalf("Stats().LiveKeys after reopen = %d, want 2", s.LiveKeys)
	}
}

func TestTimestamps(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), testConfig(t))
	given := time.Date(2024, 5, 6, 7, 8, 9, 123_456_789, time.UTC)
	before := time.Now().Truncate(time.Millisecond)
	recs := []store.Record{rec("now", "v"), {Key: []byte("given"), Value: []byte("v"), Timestamp: given}}
	mustAppend(t, l, recs...)
	after := time.Now()

	got := readAll(t, l, 0)
	if ts := got[0].Timestamp; ts.Before(before) || ts.After(after) || ts.Nanosecond()%1e6 != 0 {
		t.Errorf("zero timestamp became %v, want a millisecond in [%v, %v]", ts, before, after)
	}
	if ts, want := got[1].Timestamp, given.Truncate(time.Millisecond); !ts.Equal(want) {
		t.Errorf("given timestamp read back as %v, want %v", ts, want)
	}
	for i := range recs {
		if !recs[i].Timestamp.Equal(got[i].Timestamp) {
			t.Errorf("Append set timestamp %v, ReadFrom returned %v", recs[i].Timestamp, got[i].Timestamp)
		}
	}
}

func TestReadFromMiddle(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), testConfig(t))
	// 1 KiB records: about 32 per index entry, so reads start between entries.
	want := numbered(0, 1000, 1024)
	for i := 0; i < len(want); i += 7 {
		mustAppend(t, l, want[i:min(i+7, len(want))]...)
	}
	if n := len(l.idx.entries); n < 20 {
		t.Fatalf("index has %d entries, want a sparse index of at least 20", n)
	}
	for _, from := range []int64{-5, 0, 1, 31, 32, 33, 500, 998, 999, 1000, 5000} {
		start := min(max(from, 0), int64(len(want)))
		checkRecords(t, readAll(t, l, from), want[start:])
	}
}

func TestReadFromStops(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), testConfig(t))
	mustAppend(t, l, numbered(0, 10, 10)...)
	stop := errors.New("stop")
	n := 0
	err := l.ReadFrom(0, func(store.Record) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Fatalf("ReadFrom = %v after %d records, want the callback's error after 3", err, n)
	}
}

func TestReadFromSnapshot(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), testConfig(t))
	mustAppend(t, l, numbered(0, 3, 10)...)
	n := 0
	err := l.ReadFrom(0, func(r store.Record) error {
		n++
		_, err := l.Append(numbered(100+n, 1, 10)) // must not deadlock or be visited
		return err
	})
	if err != nil || n != 3 {
		t.Fatalf("ReadFrom = %v after %d records, want nil after 3", err, n)
	}
	if got := l.End(); got != 6 {
		t.Fatalf("End() = %d, want 6", got)
	}
}

func TestSyncArguments(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), Config{})
	ctx := context.Background()
	if err := l.Sync(ctx, -1); err != nil {
		t.Errorf("Sync(-1) on an empty log = %v, want nil", err)
	}
	if err := l.Sync(ctx, 0); err == nil {
		t.Errorf("Sync(0) on an empty log = nil, want an error")
	}
	mustAppend(t, l, numbered(0, 2, 10)...)
	if err := l.Sync(ctx, 1); err != nil {
		t.Errorf("Sync(1) = %v", err)
	}
	if s := l.Stats(); s.Syncs != 1 {
		t.Errorf("Stats().Syncs = %d, want 1", s.Syncs)
	}
	if err := l.Sync(ctx, 0); err != nil {
		t.Errorf("Sync(0) when durable = %v", err)
	}
	if s := l.Stats(); s.Syncs != 1 {
		t.Errorf("Stats().Syncs after a durable Sync = %d, want still 1", s.Syncs)
	}
}

func TestSyncHonoursContext(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	cfg := testConfig(t)
	cfg.syncHook = func() { <-release }
	l := mustOpen(t, t.TempDir(), cfg)
	defer close(release)
	mustAppend(t, l, numbered(0, 1, 10)...)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Sync(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sync with a cancelled context while the flusher is held = %v, want context.Canceled", err)
	}
}

func TestOversizedRecord(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), testConfig(t))
	big := store.Record{Key: []byte("k"), Value: make([]byte, MaxPayloadSize)}
	if _, err := l.Append([]store.Record{big}); err == nil {
		t.Fatal("Append of a record over MaxPayloadSize = nil error")
	}
	if first, err := l.Append(numbered(0, 1, 10)); err != nil || first != 0 {
		t.Fatalf("Append after a rejected record = %d, %v; want 0, nil", first, err)
	}
}

func TestClose(t *testing.T) {
	t.Parallel()
	l, err := Open(t.TempDir(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, l, numbered(0, 1, 10)...)
	if err := l.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second Close = %v, want nil", err)
	}
	if _, err := l.Append(numbered(1, 1, 10)); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close = %v, want ErrClosed", err)
	}
	if err := l.Sync(context.Background(), 0); !errors.Is(err, ErrClosed) {
		t.Errorf("Sync after Close = %v, want ErrClosed", err)
	}
	if err := l.ReadFrom(0, func(store.Record) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("ReadFrom after Close = %v, want ErrClosed", err)
	}
	if _, err := l.Compact(); !errors.Is(err, ErrClosed) {
		t.Errorf("Compact after Close = %v, want ErrClosed", err)
	}
}

func TestCloseCompletesWaitingSync(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	cfg := testConfig(t)
	cfg.syncHook = func() { <-release }
	l, err := Open(t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, l, numbered(0, 1, 10)...)
	done := make(chan error)
	go func() { done <- l.Sync(context.Background(), 0) }()
	closed := make(chan error)
	go func() { closed <- l.Close() }()
	close(release) // the held flusher round, or none if Close stopped it first
	if err := <-closed; err != nil {
		t.Fatalf("Close = %v", err)
	}
	if err := <-done; err != nil && !errors.Is(err, ErrClosed) {
		t.Fatalf("Sync racing Close = %v, want nil or ErrClosed", err)
	}
}

func TestLock(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l := mustOpen(t, dir, testConfig(t))
	if second, err := Open(dir, testConfig(t)); !errors.Is(err, ErrLocked) {
		if second != nil {
			second.Close()
		}
		t.Fatalf("second Open of %s = %v, want ErrLocked", dir, err)
	}
	l.Close()
	again := mustOpen(t, dir, testConfig(t))
	again.Close()
}

func TestOpenCreatesPrivateDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "a", "b")
	mustOpen(t, dir, testConfig(t))
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o700 {
		t.Errorf("data directory mode = %v, want 0700", perm)
	}
}

func TestWriteErrorIsSticky(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), Config{})
	mustAppend(t, l, numbered(0, 1, 10)...)
	l.file.f.Close() // every later write and fsync fails
	if err := l.Sync(context.Background(), 0); !errors.Is(err, ErrFailed) {
		t.Fatalf("Sync after the file broke = %v, want ErrFailed", err)
	}
	if _, err := l.Append(numbered(1, 1, 10)); !errors.Is(err, ErrFailed) {
		t.Fatalf("Append after a failed fsync = %v, want ErrFailed", err)
	}
	if err := l.Sync(context.Background(), 0); !errors.Is(err, ErrFailed) {
		t.Fatalf("second Sync after a failed fsync = %v, want ErrFailed", err)
	}
}

func TestAppendErrorIsSticky(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), testConfig(t))
	l.file.f.Close()
	if _, err := l.Append(numbered(0, 1, 10)); !errors.Is(err, ErrFailed) {
		t.Fatalf("Append to a broken file = %v, want ErrFailed", err)
	}
	if got := l.End(); got != 0 {
		t.Fatalf("End() after a failed Append = %d, want 0", got)
	}
	if _, err := l.Append(numbered(0, 1, 10)); !errors.Is(err, ErrFailed) {
		t.Fatalf("second Append = %v, want ErrFailed", err)
	}
}

func TestBadHeader(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		header []byte
	}{
		{"empty", nil},
		{"short", encodeHeader(0, 0)[:10]},
		{"magic", append([]byte("XXXX"), encodeHeader(0, 0)[4:]...)},
		{"checksum", append(encodeHeader(0, 0)[:headerSize-1], 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, logName), tc.header, 0o600); err != nil {
				t.Fatal(err)
			}
			if l, err := Open(dir, testConfig(t)); !errors.Is(err, ErrCorrupt) {
				if l != nil {
					l.Close()
				}
				t.Fatalf("Open with a %s header = %v, want ErrCorrupt", tc.name, err)
			}
			lock, err := lockDir(dir)
			if err != nil {
				t.Fatalf("lockDir after a failed Open = %v, want the lock released", err)
			}
			lock.Close()
		})
	}
}

func TestStaleTempFileRemoved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l := mustOpen(t, dir, testConfig(t))
	want := numbered(0, 3, 10)
	mustAppend(t, l, want...)
	l.Close()
	tmp := filepath.Join(dir, tmpName)
	if err := os.WriteFile(tmp, []byte("half a compaction"), 0o600); err != nil {
		t.Fatal(err)
	}
	l = mustOpen(t, dir, testConfig(t))
	checkRecords(t, readAll(t, l, 0), want)
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stat %s after Open = %v, want not exist", tmpName, err)
	}
}

// TestReadFromBorrowed checks that ReadFromBorrowed visits what ReadFrom does, from any
// offset, each record whole while the callback runs (the store's replay copies it then).
func TestReadFromBorrowed(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), testConfig(t))
	want := numbered(0, 300, 700)
	mustAppend(t, l, want...)
	mustAppend(t, l, store.Record{Key: []byte("tombstone")})
	want = append(want, readAll(t, l, 300)...)
	for _, from := range []int64{0, 31, 299, 300, 301} {
		var got []store.Record
		err := l.ReadFromBorrowed(from, func(r store.Record) error {
			r.Key, r.Value = bytes.Clone(r.Key), bytes.Clone(r.Value)
			got = append(got, r)
			return nil
		})
		if err != nil {
			t.Fatalf("ReadFromBorrowed(%d) = %v", from, err)
		}
		checkRecords(t, got, want[min(from, int64(len(want))):])
	}
}
