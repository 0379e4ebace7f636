package filelog

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
)

// fullDisk is a writeAt hook: while full, it writes half of what it is given, then fails
// with ENOSPC, as a write that runs out of space does.
type fullDisk struct {
	mu   sync.Mutex
	full bool
}

func (d *fullDisk) set(full bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.full = full
}

func (d *fullDisk) writeAt(f *os.File, b []byte, off int64) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.full {
		return f.WriteAt(b, off)
	}
	n, _ := f.WriteAt(b[:len(b)/2], off)
	return n, syscall.ENOSPC
}

// TestWriteFailureRecovers: a failed write leaves no partial frame, is not sticky, makes
// Writable report the cause until space returns, and the acknowledged records survive.
func TestWriteFailureRecovers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	disk := &fullDisk{}
	cfg := testConfig(t)
	cfg.writeAt = disk.writeAt
	l := mustOpen(t, dir, cfg)
	acked := numbered(0, 3, 50)
	mustAppend(t, l, acked...)
	if err := l.Sync(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	size := l.Stats().Bytes

	disk.set(true)
	if _, err := l.Append(numbered(3, 2, 50)); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Append on a full disk = %v, want ENOSPC", err)
	}
	if info, err := os.Stat(filepath.Join(dir, logName)); err != nil || info.Size() != size {
		t.Fatalf("file after a failed write: %v, %v; want %d bytes, no partial frame", info, err, size)
	}
	if err := l.Writable(); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Writable() on a full disk = %v, want ENOSPC", err)
	}
	checkRecords(t, readAll(t, l, 0), acked)

	disk.set(false)
	l.mu.Lock()
	l.lastProbe = l.lastProbe.Add(-probeInterval) // no need to wait for the next probe
	l.mu.Unlock()
	if err := l.Writable(); err != nil {
		t.Fatalf("Writable() once space returned = %v", err)
	}
	if info, err := os.Stat(filepath.Join(dir, logName)); err != nil || info.Size() != size {
		t.Fatalf("log after the probes: %v, %v; want %d bytes: a probe never touches the log", info, err, size)
	}
	if _, err := os.Stat(filepath.Join(dir, probeFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the probe's file is left behind: %v", err)
	}
	more := numbered(10, 1, 50)
	if first := mustAppend(t, l, more...); first != 3 {
		t.Fatalf("Append after recovery = offset %d, want 3", first)
	}
	if err := l.Sync(context.Background(), 3); err != nil {
		t.Fatalf("Sync after recovery = %v", err)
	}
	l.Close()
	l = mustOpen(t, dir, testConfig(t))
	checkRecords(t, readAll(t, l, 0), append(acked, more...))
}
