package filelog

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
)

// failingFirstSync is an fsync hook that fails the first fsync of the log file with EIO and
// lets every later one succeed, as Linux does: a failed writeback is reported to the file
// once, and the pages it could not write are then clean, so the next fsync succeeds without
// having made them durable.
type failingFirstSync struct {
	mu    sync.Mutex
	calls int
}

func (s *failingFirstSync) sync(f *os.File) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls == 1 {
		return &os.PathError{Op: "sync", Path: f.Name(), Err: syscall.EIO}
	}
	return nil
}

// TestOpenReportsFailedSyncBeforeCut: Open fsyncs the log while it scans it, then again
// after cutting a torn tail. When the first fsync fails, Open must fail, although the
// second succeeds: the frames it accepted may not be on the disk.
func TestOpenReportsFailedSyncBeforeCut(t *testing.T) {
	t.Parallel()
	fx := newTornFixture(t)
	for name, data := range map[string][]byte{
		"whole": fx.data,
		"torn":  fx.data[:len(fx.data)-1],
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, logName), data, 0o600); err != nil {
				t.Fatal(err)
			}
			hook := &failingFirstSync{}
			cfg := testConfig(t)
			cfg.NoSync = false
			cfg.fsync = hook.sync
			l, err := Open(dir, cfg)
			if err == nil {
				l.Close()
				t.Fatalf("Open succeeded after its first fsync failed (%d fsyncs)", hook.calls)
			}
			if !errors.Is(err, syscall.EIO) {
				t.Fatalf("Open = %v, want the fsync's EIO", err)
			}
		})
	}
}
