package filelog

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-registry/accord/store"
)

// tornFixture is a log file whose last frame starts at lastPos, and the records in it.
type tornFixture struct {
	data    []byte
	lastPos int
	recs    []store.Record
}

func newTornFixture(t *testing.T) tornFixture {
	dir := t.TempDir()
	l := mustOpen(t, dir, testConfig(t))
	recs := numbered(0, 3, 30)
	mustAppend(t, l, recs[:2]...)
	lastPos := int(l.Stats().Bytes)
	mustAppend(t, l, recs[2:]...)
	l.Close()
	data, err := os.ReadFile(filepath.Join(dir, logName))
	if err != nil {
		t.Fatal(err)
	}
	return tornFixture{data: data, lastPos: lastPos, recs: recs}
}

// checkRecovered opens a log holding data and checks that exactly the first two records
// survived, that the warning names the cut, and that appending and reopening work.
func (fx tornFixture) checkRecovered(t *testing.T, data []byte) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, logName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, logs := capture(t)
	l := mustOpen(t, dir, cfg)
	checkRecords(t, readAll(t, l, 0), fx.recs[:2])
	if got := l.End(); got != 2 {
		t.Fatalf("End() = %d, want 2", got)
	}
	if dropped := len(data) - fx.lastPos; dropped > 0 {
		want := fmt.Sprintf("pos=%d dropped_bytes=%d", fx.lastPos, dropped)
		if !strings.Contains(logs.String(), want) {
			t.Fatalf("log output %q does not contain %q", logs.String(), want)
		}
	}
	more := numbered(10, 1, 5)
	if first := mustAppend(t, l, more...); first != 2 {
		t.Fatalf("Append after repair = %d, want 2", first)
	}
	l.Close()
	l = mustOpen(t, dir, testConfig(t))
	checkRecords(t, readAll(t, l, 0), append(fx.recs[:2:2], more...))
}

func TestTornTail(t *testing.T) {
	t.Parallel()
	fx := newTornFixture(t)
	for cut := fx.lastPos; cut < len(fx.data); cut++ {
		t.Run(fmt.Sprintf("cut%d", cut), func(t *testing.T) {
			t.Parallel()
			fx.checkRecovered(t, fx.data[:cut])
		})
	}
}

func TestCorruptTail(t *testing.T) {
	t.Parallel()
	fx := newTornFixture(t)
	for pos := fx.lastPos; pos < len(fx.data); pos++ {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			t.Run(fmt.Sprintf("flip%d^%#x", pos, mask), func(t *testing.T) {
				t.Parallel()
				data := append([]byte(nil), fx.data...)
				data[pos] ^= mask
				fx.checkRecovered(t, data)
			})
		}
	}
}

func TestGarbageAfterTail(t *testing.T) {
	t.Parallel()
	fx := newTornFixture(t)
	for _, tail := range [][]byte{{0}, make([]byte, 4096), []byte("\xff\xff\xff\xffgarbage")} {
		// The whole third frame survives here; only the garbage after it goes.
		dir := t.TempDir()
		data := append(append([]byte(nil), fx.data...), tail...)
		if err := os.WriteFile(filepath.Join(dir, logName), data, 0o600); err != nil {
			t.Fatal(err)
		}
		l := mustOpen(t, dir, testConfig(t))
		checkRecords(t, readAll(t, l, 0), fx.recs)
		if s := l.Stats(); s.Bytes != int64(len(fx.data)) {
			t.Fatalf("Stats().Bytes = %d, want %d", s.Bytes, len(fx.data))
		}
		l.Close()
		info, err := os.Stat(filepath.Join(dir, logName))
		if err != nil || info.Size() != int64(len(fx.data)) {
			t.Fatalf("file after repair: %v, %v; want %d bytes", info, err, len(fx.data))
		}
	}
}

func TestOffsetRegressionTruncates(t *testing.T) {
	t.Parallel()
	fx := newTornFixture(t)
	// A valid frame that repeats offset 1 cannot follow offset 1: the log ends before it.
	dup := fx.recs[1]
	data := appendFrame(append([]byte(nil), fx.data[:fx.lastPos]...), &dup)
	fx.checkRecovered(t, data)
}
