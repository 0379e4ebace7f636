package snapshot

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
)

func TestRoundTrip(t *testing.T) {
	large := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	tests := []struct {
		name string
		meta Meta
		recs []store.Record
	}{
		{"sample", sampleMeta, sampleRecords()},
		{"empty topic", Meta{Topic: "_schemas", Offset: -1}, nil},
		{"only markers covered", Meta{ClusterID: "c", Topic: "t", Offset: 41}, nil},
		{"nil and empty value", Meta{Offset: 1}, []store.Record{rec(0, "k1", nil), rec(1, "k2", []byte{})}},
		{"empty key", Meta{Offset: 0}, []store.Record{rec(0, "", []byte("v"))}},
		{"zero timestamp", Meta{Offset: 3}, []store.Record{{Offset: 3, Key: []byte("k"), Value: []byte("v")}}},
		{"extreme timestamps", Meta{Offset: 2}, []store.Record{
			{Offset: 0, Timestamp: time.UnixMilli(math.MinInt64), Key: []byte("a"), Value: []byte("1")},
			{Offset: 1, Timestamp: time.UnixMilli(math.MaxInt64), Key: []byte("b"), Value: []byte("2")},
			{Offset: 2, Timestamp: time.UnixMilli(-1), Key: []byte("c"), Value: []byte("3")},
		}},
		{"varint boundaries", Meta{Offset: 16384}, []store.Record{
			rec(127, strings.Repeat("k", 127), bytes.Repeat([]byte("v"), 126)),
			rec(128, strings.Repeat("k", 128), bytes.Repeat([]byte("v"), 127)),
			rec(16383, strings.Repeat("k", 16383), bytes.Repeat([]byte("v"), 16382)),
			rec(16384, strings.Repeat("k", 16384), bytes.Repeat([]byte("v"), 16383)),
		}},
		{"large value", Meta{Offset: math.MaxInt64}, []store.Record{rec(math.MaxInt64-1, "k", large), rec(math.MaxInt64, "k2", large[:1000])}},
		{"unicode meta", Meta{ClusterID: "<clüster & \"id\">", Topic: "_schemas\u2028", Offset: 0}, []store.Record{rec(0, "k", []byte("v"))}},
		{"many", Meta{Offset: 1 << 20}, numbered(1000, 300)},
		{"records trusted, ids ignored", Meta{Topic: "_schemas", Offset: 0, TrustedText: true, IDFloor: 7}, []store.Record{rec(0, "k", []byte("v"))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "snapshot")
			mustWrite(t, path, tt.meta, tt.recs)
			checkRead(t, path, tt.meta, tt.recs)
		})
	}
}

func TestReadKeepsNilAndZero(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snapshot")
	mustWrite(t, path, Meta{Offset: 2}, []store.Record{
		{Offset: 0, Key: []byte("tomb")},
		{Offset: 1, Key: []byte{}, Value: []byte{}},
	})
	_, recs, err := Read(path)
	if err != nil {
		t.Fatalf("Read = %v", err)
	}
	if recs[0].Value != nil {
		t.Errorf("tombstone value = %#v, want nil", recs[0].Value)
	}
	if recs[1].Key == nil || recs[1].Value == nil {
		t.Errorf("empty key, value = %#v, %#v, want non-nil", recs[1].Key, recs[1].Value)
	}
	if recs[0].Timestamp != (time.Time{}) {
		t.Errorf("zero timestamp read as %v, want time.Time{}", recs[0].Timestamp)
	}
	// Keys and values share the file buffer, capped so that an append cannot spill into the
	// next field.
	if cap(recs[0].Key) != len(recs[0].Key) {
		t.Errorf("cap(key) = %d, want %d", cap(recs[0].Key), len(recs[0].Key))
	}
}

func TestWriteTruncatesTimestamp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snapshot")
	ts := time.Date(2025, 3, 4, 5, 6, 7, 891_234_567, time.UTC)
	mustWrite(t, path, Meta{Offset: 0}, []store.Record{{Key: []byte("k"), Value: []byte("v"), Timestamp: ts}})
	_, recs, err := Read(path)
	if err != nil {
		t.Fatalf("Read = %v", err)
	}
	if want := ts.Truncate(time.Millisecond); !recs[0].Timestamp.Equal(want) {
		t.Errorf("timestamp = %v, want %v", recs[0].Timestamp, want)
	}
}

func TestZeroMillis(t *testing.T) {
	if got := (time.Time{}).UnixMilli(); got != zeroMillis {
		t.Fatalf("time.Time{}.UnixMilli() = %d, zeroMillis is %d", got, zeroMillis)
	}
}

func TestWriteRejects(t *testing.T) {
	tests := []struct {
		name string
		meta Meta
		recs []store.Record
	}{
		{"meta offset below -1", Meta{Offset: -2}, nil},
		{"invalid UTF-8 in meta", Meta{Topic: "\xff", Offset: 0}, nil},
		{"nil key", Meta{Offset: 0}, []store.Record{{Offset: 0, Value: []byte("v")}}},
		{"negative offset", Meta{Offset: 0}, []store.Record{rec(-1, "k", nil)}},
		{"unsorted", Meta{Offset: 9}, []store.Record{rec(5, "a", nil), rec(4, "b", nil)}},
		{"duplicate offset", Meta{Offset: 9}, []store.Record{rec(5, "a", nil), rec(5, "b", nil)}},
		{"past meta offset", Meta{Offset: 4}, []store.Record{rec(5, "a", nil)}},
		{"records when meta covers none", Meta{Offset: -1}, []store.Record{rec(0, "a", nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "snapshot")
			mustWrite(t, path, sampleMeta, sampleRecords())
			if err := Write(path, tt.meta, tt.recs); err == nil {
				t.Fatalf("Write succeeded, want an error")
			}
			checkRead(t, path, sampleMeta, sampleRecords())
			checkDir(t, dir, "snapshot")
		})
	}
}

func TestReadMissing(t *testing.T) {
	_, _, err := Read(filepath.Join(t.TempDir(), "nope"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Read(missing) = %v, want fs.ErrNotExist", err)
	}
}

// TestCrashLeavesOldSnapshot simulates a crash in the middle of a Write, which leaves a
// partial temporary file behind: Read still returns the old snapshot, and the next Write
// cleans up.
func TestCrashLeavesOldSnapshot(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snapshot")
	mustWrite(t, path, sampleMeta, sampleRecords())
	next := Meta{ClusterID: "c", Topic: "_schemas", Offset: 1999}
	partial := encoded(t, next, numbered(1000, 300))
	stray := filepath.Join(dir, tempPrefix(path)+"123456")
	if err := os.WriteFile(stray, partial[:len(partial)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	// Another snapshot's temporary file and an unrelated file are not Write's to remove.
	other := filepath.Join(dir, tempPrefix(filepath.Join(dir, "other"))+"1")
	for _, name := range []string{other, filepath.Join(dir, "snapshot.bak")} {
		if err := os.WriteFile(name, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	checkRead(t, path, sampleMeta, sampleRecords())
	mustWrite(t, path, next, numbered(1000, 300))
	checkRead(t, path, next, numbered(1000, 300))
	checkDir(t, dir, filepath.Base(other), "snapshot", "snapshot.bak")
}

// TestFailedWriteLeavesOldSnapshot makes the rename fail (the path is a non-empty
// directory): Write reports it and leaves no temporary file.
func TestFailedWriteLeavesOldSnapshot(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snapshot")
	if err := os.MkdirAll(filepath.Join(path, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, sampleMeta, sampleRecords()); err == nil {
		t.Fatalf("Write over a directory succeeded")
	}
	checkDir(t, dir, "snapshot")
}

func TestWriteReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snapshot")
	mustWrite(t, path, Meta{Offset: 1999}, numbered(1000, 300))
	mustWrite(t, path, sampleMeta, sampleRecords())
	checkRead(t, path, sampleMeta, sampleRecords())
	checkDir(t, dir, "snapshot")
}

// checkDir checks that dir holds exactly the named entries, in order.
func checkDir(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("directory holds %q, want %q", got, want)
	}
}

// TestReadDamaged flips bits in every byte of a small snapshot and truncates it at every
// length: Read must fail without panicking and return nothing.
func TestReadDamaged(t *testing.T) {
	good := encoded(t, sampleMeta, sampleRecords())
	path := filepath.Join(t.TempDir(), "snapshot")
	check := func(what string, data []byte) {
		t.Helper()
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		meta, recs, err := Read(path)
		if !errors.Is(err, errCorrupt) || meta != (Meta{}) || recs != nil {
			t.Fatalf("Read(%s) = %v, %d records, %v; want nothing and a corrupt snapshot error", what, meta, len(recs), err)
		}
	}
	for i := range good {
		for _, flip := range []byte{0x01, 0x80, 0xff} {
			data := bytes.Clone(good)
			data[i] ^= flip
			check("byte "+strconv.Itoa(i)+" flipped", data)
		}
	}
	for n := range len(good) {
		check("truncated to "+strconv.Itoa(n), good[:n])
	}
	check("extended", append(bytes.Clone(good), 0))
}
