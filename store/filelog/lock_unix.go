//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package filelog

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDir takes an exclusive, non-blocking flock on dir's lock file. The kernel drops the
// lock when the process dies, so a crash never leaves the directory locked. flock locks
// belong to an open file, so a second Open in the same process is refused too.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err == nil {
		return f, nil
	}
	f.Close()
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return nil, fmt.Errorf("%w: %s is in use by another process or Log", ErrLocked, dir)
	}
	return nil, fmt.Errorf("filelog: lock %s: %w", dir, err)
}
