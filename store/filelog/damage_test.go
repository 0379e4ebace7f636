package filelog

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
)

// damageFixture is a closed log of ten records, each keyed key-<i> with mark i+1 (see
// markOf), and the file position of each frame.
type damageFixture struct {
	data []byte
	pos  []int // pos[i] is where record i's frame starts; pos[10] is the end of the file
	recs []store.Record
}

// markOf is the test's [Config.Mark]: the number after "key-", plus one.
func markOf(r store.Record) int64 {
	n, err := strconv.Atoi(strings.TrimPrefix(string(r.Key), "key-"))
	if err != nil {
		return 0
	}
	return int64(n) + 1
}

func newDamageFixture(t *testing.T) damageFixture {
	dir := t.TempDir()
	l := mustOpen(t, dir, testConfig(t))
	recs := numbered(0, 10, 40)
	fx := damageFixture{recs: recs}
	for i := range recs {
		fx.pos = append(fx.pos, int(l.Stats().Bytes))
		mustAppend(t, l, recs[i:i+1]...)
	}
	fx.pos = append(fx.pos, int(l.Stats().Bytes))
	l.Close()
	data, err := os.ReadFile(filepath.Join(dir, logName))
	if err != nil {
		t.Fatal(err)
	}
	fx.data = data
	return fx
}

// write puts data in a new data directory and returns the directory.
func writeLog(t *testing.T, data []byte) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, logName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// midLogFlips are bit flips in a frame that has whole frames after it.
func (fx damageFixture) midLogFlips() map[string]struct{ byteAt, frame int } {
	return map[string]struct{ byteAt, frame int }{
		"first frame payload":  {fx.pos[0] + 20, 0},
		"first frame length":   {fx.pos[0] + 3, 0},
		"middle frame payload": {fx.pos[5] + 30, 5},
		"middle frame length":  {fx.pos[5] + 2, 5},
		"middle frame crc":     {fx.pos[5] + 5, 5},
		"length made huge":     {fx.pos[4], 4},
		"next-to-last frame":   {fx.pos[8] + 12, 8},
	}
}

// TestMidLogDamageRefusesToOpen: a bad frame followed by valid ones is not a torn tail. Open
// must fail naming the file, the position and the frames that follow, and leave the file as
// it was.
func TestMidLogDamageRefusesToOpen(t *testing.T) {
	t.Parallel()
	fx := newDamageFixture(t)
	for name, flip := range fx.midLogFlips() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data := bytes.Clone(fx.data)
			data[flip.byteAt] ^= 0x10
			if flip.byteAt == fx.pos[4] {
				data[flip.byteAt] ^= 0x7f // a length far beyond the file
			}
			dir := writeLog(t, data)
			l, err := Open(dir, testConfig(t))
			if err == nil {
				l.Close()
				t.Fatal("Open of a log damaged mid-file succeeded")
			}
			var de *DamageError
			if !errors.As(err, &de) || !errors.Is(err, ErrDamaged) {
				t.Fatalf("Open = %v, want a *DamageError wrapping ErrDamaged", err)
			}
			following := int64(len(fx.recs) - flip.frame - 1)
			if de.Pos != int64(fx.pos[flip.frame]) || de.Following != following {
				t.Fatalf("DamageError at byte %d with %d frames following, want %d and %d",
					de.Pos, de.Following, fx.pos[flip.frame], following)
			}
			for _, want := range []string{filepath.Join(dir, logName), fmt.Sprintf("byte %d", de.Pos), fmt.Sprintf("%d valid frames", following)} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if got, _ := os.ReadFile(filepath.Join(dir, logName)); !bytes.Equal(got, data) {
				t.Fatal("Open changed a log it refused")
			}
		})
	}
}

// TestRepairKeepsValidRecords: repair saves the original, keeps every valid record, reports
// the lost range, and raises the id floor above any mark the lost frame could have held.
func TestRepairKeepsValidRecords(t *testing.T) {
	t.Parallel()
	fx := newDamageFixture(t)
	for name, flip := range fx.midLogFlips() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data := bytes.Clone(fx.data)
			data[flip.byteAt] ^= 0x10
			dir := writeLog(t, data)
			rep, err := Repair(dir, markOf)
			if err != nil {
				t.Fatalf("Repair = %v", err)
			}
			if got, err := os.ReadFile(rep.Backup); err != nil || !bytes.Equal(got, data) {
				t.Fatalf("backup %s: %v; want the damaged file unchanged", rep.Backup, err)
			}
			if len(rep.Before.Damaged) != 1 || rep.Before.Damaged[0].From != int64(fx.pos[flip.frame]) ||
				rep.Before.Damaged[0].To != int64(fx.pos[flip.frame+1]) {
				t.Fatalf("damaged ranges %+v, want [%d, %d)", rep.Before.Damaged, fx.pos[flip.frame], fx.pos[flip.frame+1])
			}
			if rep.LostBytes() != int64(fx.pos[flip.frame+1]-fx.pos[flip.frame]) {
				t.Fatalf("LostBytes() = %d", rep.LostBytes())
			}
			l := mustOpen(t, dir, testConfig(t))
			var keep []store.Record
			for i, r := range fx.recs {
				if i != flip.frame {
					keep = append(keep, r)
				}
			}
			checkRecords(t, readAll(t, l, 0), keep)
			if l.End() != int64(len(fx.recs)) {
				t.Fatalf("End() = %d after repair, want %d", l.End(), len(fx.recs))
			}
			lostMark := markOf(fx.recs[flip.frame])
			if floor := l.IDFloor(); floor < lostMark || floor < int64(len(fx.recs)) {
				t.Fatalf("IDFloor() = %d, want at least %d (the lost mark) and %d (every mark seen)", floor, lostMark, len(fx.recs))
			}
			if _, err := Repair(dir, markOf); !errors.Is(err, ErrLocked) {
				t.Fatalf("Repair of an open log = %v, want ErrLocked", err)
			}
		})
	}
}

// TestVerify: a healthy log, a torn tail and mid-log damage, as Verify reports them.
func TestVerify(t *testing.T) {
	t.Parallel()
	fx := newDamageFixture(t)
	healthy, err := Verify(writeLog(t, fx.data), nil)
	if err != nil || !healthy.Healthy() || healthy.Frames != 10 || healthy.FirstBad != -1 || healthy.End != 10 {
		t.Fatalf("Verify(healthy) = %+v, %v", healthy, err)
	}
	torn, err := Verify(writeLog(t, fx.data[:len(fx.data)-3]), nil)
	if err != nil || !torn.Healthy() || !torn.TornTail || torn.Frames != 9 {
		t.Fatalf("Verify(torn tail) = %+v, %v; want healthy (a torn tail is cut at open)", torn, err)
	}
	data := bytes.Clone(fx.data)
	data[fx.pos[3]+20] ^= 1
	data[fx.pos[7]+20] ^= 1
	bad, err := Verify(writeLog(t, data), nil)
	if err != nil || bad.Healthy() || bad.Frames != 8 || bad.FirstBad != int64(fx.pos[3]) || len(bad.Damaged) != 2 {
		t.Fatalf("Verify(damaged) = %+v, %v", bad, err)
	}
}

// TestRepairBackupNeverOverwritten: two repairs keep two distinct backups.
func TestRepairBackupNeverOverwritten(t *testing.T) {
	t.Parallel()
	fx := newDamageFixture(t)
	data := bytes.Clone(fx.data)
	data[fx.pos[2]+20] ^= 1
	dir := writeLog(t, data)
	first, err := Repair(dir, markOf)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Repair(dir, markOf)
	if err != nil {
		t.Fatal(err)
	}
	if first.Backup == second.Backup {
		t.Fatalf("both repairs wrote the backup %s", first.Backup)
	}
	if got, _ := os.ReadFile(first.Backup); !bytes.Equal(got, data) {
		t.Fatal("the first backup changed")
	}
	if second.LostBytes() != 0 {
		t.Fatalf("a repaired log still lost %d bytes", second.LostBytes())
	}
}

// TestTailCutRaisesFloor: a damaged last frame is cut as a torn write, but the floor goes
// above any mark it could have held, in case it was acknowledged after all.
func TestTailCutRaisesFloor(t *testing.T) {
	t.Parallel()
	fx := newDamageFixture(t)
	data := bytes.Clone(fx.data)
	data[fx.pos[9]+20] ^= 1
	dir := writeLog(t, data)
	cfg := testConfig(t)
	cfg.Mark = markOf
	l := mustOpen(t, dir, cfg)
	if got := len(readAll(t, l, 0)); got != 9 {
		t.Fatalf("%d records after the tail cut, want 9", got)
	}
	if floor := l.IDFloor(); floor < markOf(fx.recs[9]) {
		t.Fatalf("IDFloor() = %d, want at least %d", floor, markOf(fx.recs[9]))
	}
	l.Close()
	l = mustOpen(t, dir, cfg)
	if floor := l.IDFloor(); floor < markOf(fx.recs[9]) {
		t.Fatalf("IDFloor() after reopening = %d, want at least %d", floor, markOf(fx.recs[9]))
	}
}

// TestCompactionKeepsFloor: compaction drops a deleted key's records; the floor keeps their
// mark.
func TestCompactionKeepsFloor(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := testConfig(t)
	cfg.Mark = markOf
	l := mustOpen(t, dir, cfg)
	mustAppend(t, l, numbered(0, 5, 10)...)
	mustAppend(t, l, rec("key-4", "")) // deletes the record with the highest mark
	if _, err := l.Compact(); err != nil {
		t.Fatal(err)
	}
	l.Close()
	l = mustOpen(t, dir, cfg)
	if floor := l.IDFloor(); floor < 5 {
		t.Fatalf("IDFloor() after compaction = %d, want at least 5", floor)
	}
}

// TestZeroedLastFrameRaisesFloor: a final frame that reads back as zeros (damage to a synced
// frame) is cut as a torn tail, but the floor rises past the id it may have held: zeros are
// no proof that no frame was acknowledged there. (The space probe writes a file of its own,
// never zeros after the last frame.)
func TestZeroedLastFrameRaisesFloor(t *testing.T) {
	t.Parallel()
	fx := newDamageFixture(t)
	data := bytes.Clone(fx.data)
	last := len(fx.recs) - 1
	clear(data[fx.pos[last]:])
	cfg := testConfig(t)
	cfg.Mark = markOf
	l := mustOpen(t, writeLog(t, data), cfg)
	if got := len(readAll(t, l, 0)); got != last {
		t.Fatalf("%d records after the cut, want %d", got, last)
	}
	if floor, lost := l.IDFloor(), markOf(fx.recs[last]); floor < lost {
		t.Fatalf("IDFloor() = %d after cutting a zeroed last frame, want at least its mark %d", floor, lost)
	}
}

// TestMissingFloorRefused: once a log keeps an id floor, its header says so, and Open refuses
// the log without the floor file (found by the attack review: a data directory copied
// without idfloor handed out the ids of lost records again). Compaction and repair keep the
// header's word.
func TestMissingFloorRefused(t *testing.T) {
	t.Parallel()
	fx := newDamageFixture(t)
	data := bytes.Clone(fx.data)
	data[fx.pos[9]+20] ^= 1 // a damaged last frame: cut, and the floor raised
	dir := writeLog(t, data)
	cfg := testConfig(t)
	cfg.Mark = markOf
	l := mustOpen(t, dir, cfg)
	if _, err := l.Compact(); err != nil {
		t.Fatal(err)
	}
	l.Close()
	if err := os.Remove(filepath.Join(dir, floorName)); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, cfg); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), floorName) {
		t.Fatalf("Open without the floor file = %v, want ErrCorrupt naming %s", err, floorName)
	}
	if _, err := Verify(dir, markOf); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Verify without the floor file = %v, want ErrCorrupt", err)
	}
}

// TestFloorFileMustBeRegular: a symbolic link to a device or a FIFO in place of idfloor is
// refused at once, not read without bound or waited on.
func TestFloorFileMustBeRegular(t *testing.T) {
	t.Parallel()
	for name, create := range map[string]func(path string) error{
		"link to /dev/zero": func(path string) error { return os.Symlink("/dev/zero", path) },
		"fifo":              func(path string) error { return syscall.Mkfifo(path, 0o600) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			l := mustOpen(t, dir, testConfig(t))
			l.Close()
			if err := create(filepath.Join(dir, floorName)); err != nil {
				t.Skipf("cannot make the file here: %v", err)
			}
			done := make(chan error, 1)
			go func() {
				l, err := Open(dir, testConfig(t))
				if err == nil {
					l.Close()
				}
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("Open = %v, want ErrCorrupt", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Open still waits on the floor file after 10 s")
			}
		})
	}
}
