package filelog

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// probeInterval is the least time between two probes of a log whose last write failed, so
// that frequent readiness checks cost little.
const probeInterval = time.Second

// probeSize is how much room a probe asks for: more than a typical batch of registrations.
const probeSize = 64 << 10

// probeFile is the name of the probe's file in the log's directory.
const probeFile = "space-probe"

// Writable reports why the log cannot take writes now, or nil. After a failed write (a full
// disk) it probes, at most once per probeInterval, whether the file can grow again, and
// reports nil once it can, so that a readiness check recovers with the disk even when no
// client writes. A failed fsync keeps the log failed until it is reopened.
func (l *Log) Writable() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.usableLocked(); err != nil {
		return err
	}
	if l.writeErr == nil || time.Since(l.lastProbe) < probeInterval {
		return l.writeErr
	}
	l.lastProbe = time.Now()
	if err := l.probeLocked(); err != nil {
		return l.writeErr
	}
	l.writeErr = nil
	return nil
}

// probeLocked asks the file system for probeSize bytes in a file of its own beside the log
// (space is the file system's, not the file's) and removes it. The log itself is never
// touched: zeros a crash left after its last frame would be cut as a torn tail, and cost
// ids, since the floor rises past whatever the cut bytes could have held.
func (l *Log) probeLocked() error {
	name := filepath.Join(l.dir, probeFile)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer os.Remove(name)
	defer f.Close()
	if l.cfg.writeAt != nil {
		_, err = l.cfg.writeAt(f, make([]byte, probeSize), 0)
	} else {
		_, err = f.WriteAt(make([]byte, probeSize), 0)
	}
	return err
}

// writeLocked writes buf after the last frame. A failed write is cut back off, so the next
// one starts at a frame boundary and the file never holds a partial frame with valid frames
// after it (which Open would refuse as corruption). The log stays usable: the records were
// not written, so nothing else changed; Writable reports the cause until a write or a probe
// succeeds. Only when the cut fails too does the log fail for good.
func (l *Log) writeLocked(buf []byte) error {
	_, err := l.writeAt(buf, l.size)
	if err == nil {
		l.writeErr = nil
		return nil
	}
	err = fmt.Errorf("filelog: write: %w", err)
	if cutErr := l.cutBackLocked(err); cutErr != err {
		return cutErr
	}
	l.writeErr, l.lastProbe = err, time.Now()
	return err
}

// cutBackLocked truncates the file to its last frame after a write that may have left bytes
// past it, and returns err; if the truncation fails the log fails, and its error is returned.
func (l *Log) cutBackLocked(err error) error {
	if terr := l.file.f.Truncate(l.size); terr != nil {
		l.failLocked(errors.Join(err, fmt.Errorf("cut back to byte %d: %w", l.size, terr)))
		return l.err
	}
	return err
}

// writeAt writes b at off in the current file, through the test hook when there is one.
func (l *Log) writeAt(b []byte, off int64) (int, error) {
	if l.cfg.writeAt != nil {
		return l.cfg.writeAt(l.file.f, b, off)
	}
	return l.file.f.WriteAt(b, off)
}
