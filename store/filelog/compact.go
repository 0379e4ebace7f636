package filelog

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/accord-registry/accord/store"
)

// Compact rewrites the log keeping only the last record of each key, at its original offset
// and in offset order, and dropping keys whose last record is a tombstone; it returns the
// [Stats] afterwards. [Log.End] does not change, now or after reopening: the new header
// carries it.
//
// It copies a snapshot of the file without holding the lock, so appends, reads and syncs go
// on meanwhile; then, holding the lock, it copies the records appended since (all of them,
// superseded or not), fsyncs, and renames the new file over the old one. Readers that started
// before keep reading the old file.
func (l *Log) Compact() (Stats, error) {
	l.compactMu.Lock()
	defer l.compactMu.Unlock()
	src, limit, before, err := l.compactSnapshot()
	if err != nil {
		return Stats{}, err
	}
	defer src.release()
	tmp, err := l.createTemp()
	if err != nil {
		return Stats{}, fmt.Errorf("filelog: compact: %w", err)
	}
	after, err := l.compactInto(tmp, src, limit)
	if err != nil {
		discardTemp(tmp)
		return Stats{}, fmt.Errorf("filelog: compact: %w", err)
	}
	l.logger.Info("compacted log",
		"records_before", before.Records, "records_after", after.Records, "live_keys", after.LiveKeys,
		"bytes_before", before.Bytes, "bytes_after", after.Bytes, "end", after.End)
	return after, nil
}

// compactSnapshot returns a reference to the current file, the end of its frames, and the
// stats before compaction.
func (l *Log) compactSnapshot() (*dataFile, int64, Stats, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.usableLocked(); err != nil {
		return nil, 0, Stats{}, err
	}
	return l.file.acquire(), l.size, l.statsLocked(), nil
}

// compactInto writes the compacted log to tmp and installs it.
func (l *Log) compactInto(tmp *os.File, src *dataFile, limit int64) (Stats, error) {
	c := &compaction{tmp: tmp, w: bufio.NewWriterSize(tmp, 1<<20), mark: l.cfg.Mark}
	if err := c.copyLive(src.f, limit); err != nil {
		return Stats{}, err
	}
	if l.cfg.compactHook != nil {
		l.cfg.compactHook()
	}
	// fsync the bulk now, so the appends waiting for the lock only wait for the tail's fsync.
	if err := c.w.Flush(); err != nil {
		return Stats{}, err
	}
	if err := l.syncFile(tmp); err != nil {
		return Stats{}, err
	}
	return l.finishCompaction(c, src, limit)
}

// finishCompaction copies the frames appended after limit, installs the new file and switches
// the log to it, all under the lock.
func (l *Log) finishCompaction(c *compaction, src *dataFile, limit int64) (Stats, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.usableLocked(); err != nil {
		return Stats{}, err
	}
	if err := c.copyTail(src.f, limit, l.size); err != nil {
		return Stats{}, err
	}
	// A deleted key's records go, and with them maybe the highest id: the floor keeps it,
	// and the new file's header says there is one.
	if c.maxDropped > c.maxKept {
		if err := l.raiseFloorLocked(c.maxDropped); err != nil {
			return Stats{}, err
		}
	}
	if err := c.finish(fileHeader{next: l.end, flags: l.headerFlags()}); err != nil {
		return Stats{}, err
	}
	if err := l.install(c.tmp); err != nil {
		if errors.Is(err, errInstalled) {
			l.failLocked(err)
		}
		return Stats{}, err
	}
	old := l.file
	l.file = newDataFile(c.tmp)
	old.release()
	l.size, l.records, l.idx, l.header = c.pos, c.records, c.idx, c.header
	l.advanceDurableLocked(l.end) // the new file holds every record and is fsynced
	return l.statsLocked(), nil
}

// compaction is a compacted log file being written.
type compaction struct {
	tmp     *os.File
	w       *bufio.Writer
	pos     int64 // bytes written, header included
	records int64
	idx     index
	header  fileHeader // the header finish wrote

	mark                func(store.Record) int64 // Config.Mark, or nil
	maxKept, maxDropped int64                    // the highest marks of the frames kept and dropped
}

// copyLive writes a placeholder header, then the frames of src before limit that hold the
// last record of a live key.
func (c *compaction) copyLive(src io.ReaderAt, limit int64) error {
	last, err := lastRecords(src, limit)
	if err != nil {
		return err
	}
	if _, err := c.w.Write(encodeHeader(0, 0)); err != nil {
		return err
	}
	c.pos = headerSize
	return eachFrame(src, headerSize, limit, func(r *frameReader, rec store.Record) error {
		if l := last[keyDigest(rec.Key)]; l.offset != rec.Offset || l.tombstone {
			if c.mark != nil {
				c.maxDropped = max(c.maxDropped, c.mark(rec))
			}
			return nil
		}
		return c.write(r, rec)
	})
}

// copyTail writes every frame of src in [from, to).
func (c *compaction) copyTail(src io.ReaderAt, from, to int64) error {
	return eachFrame(src, from, to, c.write)
}

// write copies the frame r just read, unchanged.
func (c *compaction) write(r *frameReader, rec store.Record) error {
	if c.mark != nil {
		c.maxKept = max(c.maxKept, c.mark(rec))
	}
	c.idx.add(rec.Offset, c.pos)
	n, err := c.w.Write(r.raw())
	c.pos += int64(n)
	c.records++
	return err
}

// finish flushes the frames and writes the real header.
func (c *compaction) finish(h fileHeader) error {
	if err := c.w.Flush(); err != nil {
		return err
	}
	c.header = h
	_, err := c.tmp.WriteAt(encodeHeader(h.next, h.flags), 0)
	return err
}

// lastRecord is where a key's last record is, and whether it deletes the key.
type lastRecord struct {
	offset    int64
	tombstone bool
}

// lastRecords maps the digest of each key of the frames before limit to its last record. A
// million keys held as strings would cost some 300 MB while compacting; their SHA-256 digests
// cost a fixed 32 bytes each, and two keys sharing a digest (which would drop a live record)
// would be a SHA-256 collision.
func lastRecords(src io.ReaderAt, limit int64) (map[[sha256.Size]byte]lastRecord, error) {
	last := make(map[[sha256.Size]byte]lastRecord)
	err := eachFrame(src, headerSize, limit, func(_ *frameReader, rec store.Record) error {
		last[keyDigest(rec.Key)] = lastRecord{offset: rec.Offset, tombstone: rec.Value == nil}
		return nil
	})
	return last, err
}

func keyDigest(key []byte) [sha256.Size]byte { return sha256.Sum256(key) }

// eachFrame calls fn for each frame of src in [from, to). The record aliases the reader's
// buffer.
func eachFrame(src io.ReaderAt, from, to int64, fn func(*frameReader, store.Record) error) error {
	r := newFrameReader(src, from, to)
	for {
		rec, err := r.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return readError(r.pos, err)
		}
		if err := fn(r, rec); err != nil {
			return err
		}
	}
}
