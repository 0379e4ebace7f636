package filelog

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// load opens the log file, creating it when missing, validates every frame, repairs a damaged
// tail and fills the in-memory state. Nothing else runs yet, so it needs no lock.
func (l *Log) load() error {
	f, err := l.openFile()
	if err != nil {
		return err
	}
	l.file = newDataFile(f)
	if l.header, err = readHeader(f); err != nil {
		return err
	}
	if l.floor, err = readFloorOf(l.dir, l.header); err != nil {
		return err
	}
	if l.floor > 0 { // a floor kept before the header said so
		if err := l.flagHeaderLocked(); err != nil {
			return err
		}
	}
	info, err := f.Stat()
	if err != nil {
		return err
	}
	// Frames a crashed process wrote may still be only in the page cache: make them durable
	// before Sync may report them so. The fsync runs while the scan reads them (at a million
	// records, writing them back takes about as long as the scan), and is waited for before
	// anything else.
	synced := l.syncConcurrently(f)
	res, err := l.scan(f, info.Size())
	l.live.settle()
	syncErr := synced()
	if err != nil {
		return err
	}
	if res.damage != nil {
		if err := l.cutTail(f, res, info.Size()); err != nil {
			return err
		}
		// Again: the cut too must be durable. A failure of the first fsync stands even if
		// this one succeeds: Linux reports a failed writeback to a file once, and the pages
		// it could not write are clean after it, so this fsync would not retry them.
		syncErr = cmp.Or(syncErr, l.syncFile(f))
	}
	if syncErr != nil {
		return fmt.Errorf("fsync: %w", syncErr)
	}
	l.size, l.end = res.valid, max(l.header.next, res.last+1)
	l.durable = l.end
	return nil
}

// syncConcurrently starts fsyncing f and returns the wait for its result.
func (l *Log) syncConcurrently(f *os.File) (wait func() error) {
	done := make(chan error, 1)
	go func() { done <- l.syncFile(f) }()
	return func() error { return <-done }
}

// openFile opens the log file for reading and writing, first creating it if missing. A
// log.tmp left by a crash during creation or compaction is removed: the log file it would have
// replaced is still whole.
func (l *Log) openFile() (*os.File, error) {
	tmp := filepath.Join(l.dir, tmpName)
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	path := filepath.Join(l.dir, logName)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if !errors.Is(err, fs.ErrNotExist) {
		return f, err
	}
	if err := l.createLog(); err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	return os.OpenFile(path, os.O_RDWR, 0)
}

// readHeader reads and validates the file header.
func readHeader(f *os.File) (fileHeader, error) {
	h := make([]byte, headerSize)
	n, err := f.ReadAt(h, 0)
	if err != nil && err != io.EOF {
		return fileHeader{}, err
	}
	return decodeHeader(h[:n])
}

// scanResult is what a scan of the frames found.
type scanResult struct {
	valid  int64 // position after the last valid frame
	last   int64 // offset of the last valid frame, -1 when there is none
	damage error // why the bytes at valid are not a frame; nil when the scan reached the end
}

// scan validates the frames of f up to size, accounting for each in the index and counts as
// addFrameLocked does, the live keys to be settled.
func (l *Log) scan(f *os.File, size int64) (scanResult, error) {
	r := newFrameReader(f, headerSize, size)
	res := scanResult{valid: headerSize, last: -1}
	for {
		rec, err := r.next()
		switch {
		case err == io.EOF:
			return res, nil
		case isFrameError(err):
			res.damage = err
			return res, nil
		case err != nil:
			return res, err
		case rec.Offset <= res.last:
			res.damage = fmt.Errorf("offset %d does not follow offset %d", rec.Offset, res.last)
			return res, nil
		}
		l.idx.add(rec.Offset, res.valid)
		l.records++
		l.live.setLater(rec.Key, rec.Value != nil)
		res.valid, res.last = r.pos, rec.Offset
	}
}

// cutTail cuts a torn tail: the bad frame at res.valid and everything after it, unless a
// valid frame follows, which makes the damage corruption of acknowledged records, refused
// with a [*DamageError]. With [Config.Mark] it first raises the id floor above any mark the
// cut bytes could have held: a flipped bit in an acknowledged last frame looks exactly like a
// torn write, and its id must not be handed out again.
func (l *Log) cutTail(f *os.File, res scanResult, size int64) error {
	after, err := walk(f, res.valid, size, res.last, nil)
	if err != nil {
		return err
	}
	if after.frames > 0 {
		return &DamageError{Path: f.Name(), Pos: res.valid, Reason: res.damage, Following: after.frames}
	}
	if l.cfg.Mark != nil {
		m, err := maxMark(f, headerSize, res.valid, l.cfg.Mark)
		if err != nil {
			return err
		}
		if err := l.raiseFloorLocked(max(m, l.floor) + (size-res.valid)/minFrameSize); err != nil {
			return err
		}
	}
	return l.truncate(f, res, size)
}

// truncate cuts the file after its last valid frame. The bytes dropped were never
// acknowledged, unless the disk damaged the last frame: every fsync covers all bytes before
// the frames it made durable.
func (l *Log) truncate(f *os.File, res scanResult, size int64) error {
	l.logger.Warn("truncating damaged log tail",
		"pos", res.valid, "dropped_bytes", size-res.valid, "last_offset", res.last, "reason", res.damage)
	if err := f.Truncate(res.valid); err != nil {
		return fmt.Errorf("truncate at %d: %w", res.valid, err)
	}
	return nil
}
