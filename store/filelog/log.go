package filelog

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accord-registry/accord/store"
)

var _ store.Log = (*Log)(nil)

var (
	// ErrClosed is returned by calls on a closed [Log].
	ErrClosed = errors.New("filelog: log is closed")
	// ErrLocked is returned by [Open] when another process or [Log] holds the directory.
	ErrLocked = errors.New("filelog: data directory is locked")
	// ErrCorrupt is returned when the file header is invalid, or when a frame that Open
	// validated no longer reads back (the file changed under the log).
	ErrCorrupt = errors.New("filelog: corrupt log")
	// ErrFailed wraps the fsync error that failed the log (or a write error whose partial
	// frame could not be cut off). Once an fsync fails the log cannot tell what reached the
	// disk, so every later Append and Sync returns this error; reopening recovers what is
	// intact. A failed write alone (a full disk) does not fail the log: see [Log.Writable].
	ErrFailed = errors.New("filelog: log failed")
)

// Log is a [store.Log] kept in one append-only file. It is safe for concurrent use. See the
// package documentation for the file format and the locking.
type Log struct {
	dir    string
	cfg    Config
	logger *slog.Logger
	lock   *os.File // holds the directory flock
	syncs  atomic.Uint64

	flushReq chan struct{} // capacity 1: a pending request for a flusher round
	stop     chan struct{} // closed by Close to stop the flusher
	stopped  chan struct{} // closed by the flusher when it returns

	compactMu sync.Mutex // serialises Compact and Close; taken before mu

	mu      sync.Mutex // guards the following fields
	file    *dataFile
	size    int64     // bytes of whole frames in file, header included
	end     int64     // the next offset
	durable int64     // every offset below it is fsynced
	records int64     // frames in file
	live    *liveKeys // keys whose last record is not a tombstone
	idx     index
	wbuf    []byte        // Append's encoding buffer
	changed chan struct{} // closed and replaced when durable, err or closed change
	err     error         // sticky failure, wraps ErrFailed
	floor   int64         // the id floor; see IDFloor
	header  fileHeader    // the file's header as written

	writeErr  error     // why the last write failed; nil after a write or probe succeeds
	lastProbe time.Time // when Writable last probed for space
	closed    bool
}

// Stats describes the log file, for startup lines and for tests.
type Stats struct {
	// Records is the number of records in the file, superseded ones and tombstones included.
	Records int64
	// LiveKeys is the number of keys whose last record is not a tombstone: the records a full
	// compaction would keep.
	LiveKeys int64
	// Bytes is the size of the file.
	Bytes int64
	// End is the offset the next record will get.
	End int64
	// Syncs counts the fsyncs of the log file that Sync rounds made since Open; many
	// concurrent Sync calls sharing few fsyncs is group commit at work.
	Syncs uint64
}

// Open opens the log in dir, creating dir and an empty log when missing. It takes the
// directory lock, validates every frame, truncates a torn tail, refuses with a
// [*DamageError] a log damaged before its end (see the package documentation) and compacts
// when [Config.CompactMinRecords] says so.
func Open(dir string, cfg Config) (*Log, error) {
	cfg = cfg.withDefaults()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("filelog: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	l := &Log{
		dir: dir, cfg: cfg, logger: cfg.Logger.With("dir", dir), lock: lock,
		flushReq: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{}),
		live: newLiveKeys(), changed: make(chan struct{}),
	}
	if err := l.open(); err != nil {
		l.abandon()
		return nil, fmt.Errorf("filelog: open %s: %w", dir, err)
	}
	go l.flushLoop()
	return l, nil
}

// open loads the log file and compacts it when due.
func (l *Log) open() error {
	if err := l.load(); err != nil {
		return err
	}
	if !l.compactDue() {
		return nil
	}
	_, err := l.Compact()
	return err
}

// abandon releases what a failed Open acquired.
func (l *Log) abandon() {
	if l.file != nil {
		l.file.release()
	}
	l.lock.Close()
}

// compactDue reports whether Open should compact: enough records, half of them dead.
func (l *Log) compactDue() bool {
	minRecords := int64(l.cfg.CompactMinRecords)
	dead := l.records - int64(l.live.len())
	return minRecords > 0 && l.records > minRecords && 2*dead >= l.records
}

// Append implements [store.Log]. It writes the offset and the timestamp it assigns back into
// recs, so they match what [Log.ReadFrom] will return: the timestamp is kept at millisecond
// precision. The batch is written with one write call.
func (l *Log) Append(recs []store.Record) (int64, error) {
	if err := checkSizes(recs); err != nil {
		return 0, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.usableLocked(); err != nil {
		return 0, err
	}
	first := l.end
	if len(recs) == 0 {
		return first, nil
	}
	if err := l.writeLocked(l.encodeLocked(recs)); err != nil {
		return 0, err
	}
	l.commitLocked(recs)
	return first, nil
}

// checkSizes rejects records whose frame would exceed [MaxPayloadSize].
func checkSizes(recs []store.Record) error {
	for i := range recs {
		if n := frameSize(&recs[i]) - frameHeaderSize; n > MaxPayloadSize {
			return fmt.Errorf("filelog: record %d is %d bytes, more than the %d byte limit", i, n, MaxPayloadSize)
		}
	}
	return nil
}

// usableLocked returns why the log cannot take calls, if it cannot.
func (l *Log) usableLocked() error {
	if l.closed {
		return ErrClosed
	}
	return l.err
}

// encodeLocked assigns offsets and timestamps to recs and encodes their frames into l.wbuf.
func (l *Log) encodeLocked(recs []store.Record) []byte {
	now := time.UnixMilli(time.Now().UnixMilli())
	buf := l.wbuf[:0]
	for i := range recs {
		r := &recs[i]
		r.Offset = l.end + int64(i)
		if r.Timestamp.IsZero() {
			r.Timestamp = now
		} else {
			r.Timestamp = time.UnixMilli(r.Timestamp.UnixMilli())
		}
		buf = appendFrame(buf, r)
	}
	if cap(buf) <= 1<<20 { // keep a small buffer for the next batch, not a huge one
		l.wbuf = buf
	}
	return buf
}

// commitLocked makes the written recs visible: index, key counts, size and end.
func (l *Log) commitLocked(recs []store.Record) {
	for i := range recs {
		r := &recs[i]
		l.addFrameLocked(r.Offset, r.Key, r.Value == nil, l.size)
		l.size += int64(frameSize(r))
	}
	l.end += int64(len(recs))
}

// addFrameLocked accounts for a frame at pos: the index, the record count and the live keys.
func (l *Log) addFrameLocked(offset int64, key []byte, tombstone bool, pos int64) {
	l.idx.add(offset, pos)
	l.records++
	l.live.set(key, !tombstone)
}

// End implements [store.Log].
func (l *Log) End() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.end
}

// Stats returns the current [Stats].
func (l *Log) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.statsLocked()
}

// LiveKeys is [Stats].LiveKeys alone: the records a full compaction would keep, which bounds
// what a replay will hold. The store sizes its indexes with it before replaying.
func (l *Log) LiveKeys() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return int64(l.live.len())
}

func (l *Log) statsLocked() Stats {
	return Stats{
		Records:  l.records,
		LiveKeys: int64(l.live.len()),
		Bytes:    l.size,
		End:      l.end,
		Syncs:    l.syncs.Load(),
	}
}

// ReadFrom implements [store.Log]. It reads a snapshot taken at the call: records appended
// during the iteration are not visited, and fn may itself call Append. The records fn gets
// are its own to keep.
func (l *Log) ReadFrom(from int64, fn func(store.Record) error) error {
	return l.ReadFromBorrowed(from, func(rec store.Record) error { return fn(cloneRecord(rec)) })
}

// ReadFromBorrowed is [Log.ReadFrom] without the copy: the record fn gets aliases the log's
// read buffer and is valid only until fn returns. The store's replay, which copies what it
// keeps, reads a million records this way instead of making a million copies for the
// garbage collector.
func (l *Log) ReadFromBorrowed(from int64, fn func(store.Record) error) error {
	f, pos, limit, err := l.readSnapshot(from)
	if err != nil {
		return err
	}
	defer f.release()
	return eachFrame(f.f, pos, limit, func(_ *frameReader, rec store.Record) error {
		if rec.Offset < from {
			return nil
		}
		return fn(rec)
	})
}

// readSnapshot returns a reference to the current file and the byte range holding every
// record at or after from.
func (l *Log) readSnapshot(from int64) (*dataFile, int64, int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, 0, 0, ErrClosed
	}
	return l.file.acquire(), l.idx.seek(from), l.size, nil
}

// readError describes a failure to read back a frame Open had validated.
func readError(pos int64, err error) error {
	if isFrameError(err) {
		return fmt.Errorf("%w: frame at byte %d: %w", ErrCorrupt, pos, err)
	}
	return fmt.Errorf("filelog: read frame at byte %d: %w", pos, err)
}

// Close implements [store.Log]: it waits for a running compaction, fsyncs what was written,
// and releases the file and the directory lock. Sync calls waiting on records Close made
// durable return nil. Calling Close again returns nil.
func (l *Log) Close() error {
	l.compactMu.Lock()
	defer l.compactMu.Unlock()
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	l.mu.Unlock()
	close(l.stop)
	<-l.stopped
	err := l.flush()
	l.mu.Lock()
	l.broadcastLocked()
	f := l.file
	l.mu.Unlock()
	return errors.Join(err, f.release(), l.lock.Close())
}
