package filelog

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
)

// File names inside the data directory.
const (
	logName  = "log"
	tmpName  = "log.tmp"
	lockName = "lock"
	// floorName is the id floor file (see the package documentation).
	floorName = "idfloor"
)

// dataFile is an open log file shared by the Log, readers and the flusher. It is closed when
// the last of them releases it, so compaction can swap files under readers that still use the
// old one (its data stays readable after the rename replaces its name).
type dataFile struct {
	f    *os.File
	refs atomic.Int64
}

func newDataFile(f *os.File) *dataFile {
	d := &dataFile{f: f}
	d.refs.Store(1)
	return d
}

// acquire adds a reference. The caller must already hold one, or hold Log.mu while the Log
// holds one.
func (d *dataFile) acquire() *dataFile {
	d.refs.Add(1)
	return d
}

// release drops a reference and closes the file with the last one.
func (d *dataFile) release() error {
	if d.refs.Add(-1) == 0 {
		return d.f.Close()
	}
	return nil
}

// syncFile fsyncs f unless fsync is off.
func (l *Log) syncFile(f *os.File) error {
	if l.cfg.NoSync {
		return nil
	}
	if l.cfg.fsync != nil {
		return l.cfg.fsync(f)
	}
	return f.Sync()
}

// syncDir fsyncs the data directory, making a rename in it durable.
func (l *Log) syncDir() error {
	if l.cfg.NoSync {
		return nil
	}
	return syncDirectory(l.dir)
}

// createTemp creates an empty log.tmp, replacing one a crash may have left.
func (l *Log) createTemp() (*os.File, error) {
	path := filepath.Join(l.dir, tmpName)
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
}

// install makes the fully written tmp the log file: fsync, rename over log, fsync the
// directory. Until the rename the old log stays intact; after it the new one is complete.
func (l *Log) install(tmp *os.File) error {
	if err := l.syncFile(tmp); err != nil {
		return fmt.Errorf("sync %s: %w", tmpName, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(l.dir, logName)); err != nil {
		return err
	}
	if err := l.syncDir(); err != nil {
		return fmt.Errorf("%w: sync directory after rename: %w", errInstalled, err)
	}
	return nil
}

// errInstalled marks an install error after the rename: the new file is in place but may not
// be durable, so the log cannot go on as if nothing happened.
var errInstalled = errors.New("log file replaced")

// discardTemp closes and removes a temp file that will not be installed.
func discardTemp(tmp *os.File) {
	tmp.Close()
	os.Remove(tmp.Name())
}

// createLog writes a log file holding only a header, atomically.
func (l *Log) createLog() error {
	tmp, err := l.createTemp()
	if err != nil {
		return err
	}
	if _, err := tmp.Write(encodeHeader(0, 0)); err != nil {
		discardTemp(tmp)
		return err
	}
	if err := l.install(tmp); err != nil {
		discardTemp(tmp)
		return err
	}
	return tmp.Close()
}
