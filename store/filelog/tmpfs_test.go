//go:build linux

package filelog

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// mountTmpfs mounts a tmpfs of the given size (mount's syntax, e.g. "1m") on a new directory
// and unmounts it when the test ends. It skips the test, saying why, when mount is refused
// (not root, or in a container without the capability).
func mountTmpfs(t *testing.T, size string) string {
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Skipf("SKIPPED the real full-disk variant: mount -t tmpfs refused (%v: %s); TestWriteFailureRecovers covers the logic with an injected error", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// TestDiskFullTmpfs fills a real 1 MiB tmpfs, grows it, and checks that writes recover by
// themselves, that the file never holds a partial frame, and that exactly the acknowledged
// records survive a reopen.
func TestDiskFullTmpfs(t *testing.T) {
	mnt := mountTmpfs(t, "1m")
	dir := filepath.Join(mnt, "data")
	l := mustOpen(t, dir, Config{})
	var acked int64
	var failed error
	for i := 0; failed == nil; i++ {
		first, err := l.Append(numbered(i, 1, 900))
		if err != nil {
			failed = err
			break
		}
		if err := l.Sync(context.Background(), first); err != nil {
			t.Fatalf("Sync = %v", err)
		}
		acked = first + 1
	}
	if !errors.Is(failed, syscall.ENOSPC) {
		t.Fatalf("Append on the full tmpfs = %v, want ENOSPC", failed)
	}
	if info, err := os.Stat(filepath.Join(dir, logName)); err != nil || info.Size() != l.Stats().Bytes {
		t.Fatalf("file after ENOSPC: %v, %v; want %d bytes, no partial frame", info, err, l.Stats().Bytes)
	}
	if err := l.Writable(); err == nil {
		t.Fatal("Writable() = nil on a full disk")
	}
	if got := int64(len(readAll(t, l, 0))); got != acked {
		t.Fatalf("reads on a full disk: %d records, want %d", got, acked)
	}

	if out, err := exec.Command("mount", "-o", "remount,size=4m", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount: %v: %s", err, out)
	}
	l.mu.Lock()
	l.lastProbe = l.lastProbe.Add(-probeInterval)
	l.mu.Unlock()
	if err := l.Writable(); err != nil {
		t.Fatalf("Writable() after the disk grew = %v", err)
	}
	first, err := l.Append(numbered(100000, 1, 900))
	if err != nil || first != acked {
		t.Fatalf("Append after the disk grew = %d, %v; want offset %d", first, err, acked)
	}
	if err := l.Sync(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	l.Close()
	l = mustOpen(t, dir, Config{})
	if got := int64(len(readAll(t, l, 0))); got != acked+1 {
		t.Fatalf("after reopening: %d records, want %d", got, acked+1)
	}
}
