//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package filelog

import (
	"errors"
	"os"
)

// lockDir fails: without flock the log cannot keep a second process out of its directory,
// and opening it unlocked could interleave two writers' frames.
func lockDir(string) (*os.File, error) {
	return nil, errors.New("filelog: directory locking is not supported on this platform")
}
