package filelog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/accord-registry/accord/store"
)

// smallLogWithLargeFrame writes a log of small records around one larger than the frame
// reader's buffer (which takes the path that copies a frame out of the buffer), and returns
// its bytes, its records and where each frame starts, the end of the file last.
func smallLogWithLargeFrame(t *testing.T) ([]byte, []store.Record, []int) {
	dir := t.TempDir()
	l := mustOpen(t, dir, testConfig(t))
	recs := numbered(0, 6, 12)
	recs[0].Value = bytes.Repeat([]byte{'L'}, maxReadBuffer+100)
	recs[4].Value = nil // a tombstone
	starts := []int{headerSize}
	for i := range recs {
		mustAppend(t, l, recs[i:i+1]...)
		starts = append(starts, int(l.Stats().Bytes))
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, logName))
	if err != nil {
		t.Fatal(err)
	}
	return data, recs, starts
}

// TestEveryByteDamaged truncates a small log at every byte position, and flips every byte
// of it, and opens the result. Open must never panic; it must refuse a damaged header; it
// must keep exactly the frames before damage in the last frame or a cut, and read them back
// unchanged; damage before the last frame must make it refuse the log. The large frame's
// bytes are sampled, not all visited.
func TestEveryByteDamaged(t *testing.T) {
	t.Parallel()
	data, recs, starts := smallLogWithLargeFrame(t)
	frameOf := func(pos int) int { // the frame holding pos, or -1 in the header
		for i := len(starts) - 2; i >= 0; i-- {
			if pos >= starts[i] {
				return i
			}
		}
		return -1
	}
	positions := func(yield func(int) bool) {
		for pos := 0; pos < len(data); pos++ {
			if f := frameOf(pos); f == 0 && pos-starts[0] > 32 && starts[1]-pos > 16 && pos%65537 != 0 {
				continue
			}
			if !yield(pos) {
				return
			}
		}
	}
	for pos := range positions {
		f := frameOf(pos)
		cut := data[:pos]
		switch {
		case pos < headerSize:
			checkOpen(t, fmt.Sprintf("cut at %d", pos), cut, nil, ErrCorrupt)
		default:
			checkOpen(t, fmt.Sprintf("cut at %d", pos), cut, recs[:f], nil)
		}
		flipped := bytes.Clone(data)
		flipped[pos] ^= 0x10
		switch {
		case f < 0:
			checkOpen(t, fmt.Sprintf("flip at %d", pos), flipped, nil, ErrCorrupt)
		case f == len(recs)-1:
			checkOpen(t, fmt.Sprintf("flip at %d", pos), flipped, recs[:f], nil)
		default:
			checkOpen(t, fmt.Sprintf("flip at %d", pos), flipped, nil, ErrDamaged)
		}
	}
}

// checkOpen opens a log holding data and checks that Open fails with wantErr, or, when that
// is nil, that the log holds want, read with ReadFrom and ReadFromBorrowed, and ends after it.
func checkOpen(t *testing.T, name string, data []byte, want []store.Record, wantErr error) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, logName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := Open(dir, testConfig(t))
	if wantErr != nil {
		if err == nil {
			l.Close()
		}
		if !errors.Is(err, wantErr) {
			t.Fatalf("%s: Open = %v, want %v", name, err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: Open = %v", name, err)
	}
	defer l.Close()
	checkRecords(t, readAll(t, l, 0), want)
	var borrowed []store.Record
	if err := l.ReadFromBorrowed(0, func(r store.Record) error {
		borrowed = append(borrowed, cloneRecord(r))
		return nil
	}); err != nil {
		t.Fatalf("%s: ReadFromBorrowed = %v", name, err)
	}
	checkRecords(t, borrowed, want)
	if end := l.End(); end != int64(len(want)) {
		t.Fatalf("%s: End() = %d, want %d", name, end, len(want))
	}
}

// TestBorrowedValueCannotOverwriteNextFrame: a borrowed record is valid until fn returns, and
// a caller may append to its value as to any slice it was handed; that append must not write
// into the frames the reader has buffered but not yet handed out.
func TestBorrowedValueCannotOverwriteNextFrame(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), testConfig(t))
	recs := numbered(0, 20, 40)
	mustAppend(t, l, recs...)
	var got []store.Record
	err := l.ReadFromBorrowed(0, func(r store.Record) error {
		got = append(got, cloneRecord(r))
		_ = append(r.Value, bytes.Repeat([]byte{0xAA}, 64)...)
		_ = append(r.Key, bytes.Repeat([]byte{0xAA}, 64)...)
		return nil
	})
	if err != nil {
		t.Fatalf("ReadFromBorrowed = %v", err)
	}
	checkRecords(t, got, recs)
}

// TestResyncAllocatesNothingPerPosition: looking for the next valid frame after damage tries
// every byte position; a position whose length field is out of range must be passed over
// without building an error, or a megabyte of zeros after a crash costs a million
// allocations on the way to opening the log.
func TestResyncAllocatesNothingPerPosition(t *testing.T) {
	zeros := bytes.NewReader(make([]byte, 1<<20))
	allocs := testing.AllocsPerRun(3, func() {
		if pos, _, err := findFrame(zeros, 0, zeros.Size(), -1); err != nil || pos != zeros.Size() {
			t.Fatalf("findFrame in zeros = %d, %v", pos, err)
		}
	})
	if allocs > 10 {
		t.Errorf("findFrame over a MiB of zeros allocates %v times, want a buffer or two", allocs)
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r    io.ReaderAt
	read int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.read += int64(n)
	return n, err
}

// TestResyncReadsGarbageOnce: random bytes in the middle of a large log (a block the disk
// or someone else overwrote) hold a plausible length field every few hundred positions; the
// search for the next valid frame must not read the megabytes such a length claims at each
// of them, or Open of the damaged log, which searches before refusing it, takes hours.
func TestResyncReadsGarbageOnce(t *testing.T) {
	garbage := make([]byte, 64<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range garbage {
		garbage[i] = byte(rng.Uint32())
	}
	var data []byte
	data = append(data, garbage...)
	r := numbered(0, 1, 8<<20)[0]
	r.Offset = 7
	data = appendFrame(data, &r)
	src := &countingReader{r: bytes.NewReader(data)}
	pos, got, err := findFrame(src, 0, int64(len(data)), 3)
	if err != nil || pos != int64(len(garbage)) || got.Offset != 7 {
		t.Fatalf("findFrame = %d, offset %d, %v; want %d, offset 7", pos, got.Offset, err, len(garbage))
	}
	if src.read > 4*int64(len(data)) {
		t.Errorf("findFrame read %d bytes of a %d byte range", src.read, len(data))
	}
}
