package filelog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/accord-registry/accord/store"
)

// floorMagic starts the id floor file; see the package documentation.
const floorMagic = "ACFL"

// IDFloor returns the floor the log keeps for its owner's numbers (for the registry: schema
// ids): every number a record ever held, or could have held in bytes lost to damage or
// dropped by compaction, is at most the floor, as far as [Config.Mark] tells. Zero when
// nothing was ever lost.
func (l *Log) IDFloor() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.floor
}

// raiseFloorLocked makes floor the log's id floor, durably, if it is higher than the current
// one. It runs before the change that needs it (a cut, a compaction) takes effect, so a crash
// between the two leaves a floor that is only too high, which is harmless.
func (l *Log) raiseFloorLocked(floor int64) error {
	if floor <= l.floor {
		return nil
	}
	if err := writeFloor(l.dir, floor, !l.cfg.NoSync); err != nil {
		return fmt.Errorf("write id floor: %w", err)
	}
	if err := l.flagHeaderLocked(); err != nil {
		return fmt.Errorf("mark the id floor in the log header: %w", err)
	}
	l.logger.Warn("raised the id floor", "id_floor", floor, "was", l.floor)
	l.floor = floor
	return nil
}

// flagHeaderLocked sets flagFloorFile in the header of the log's file, durably, once a floor
// file exists: from then on Open refuses the log without its floor. A crash between writing
// the floor file and the flag leaves a floor file the header does not ask for, which Open
// flags then. A log being rewritten (l.file is nil) gets the flag in its new header.
func (l *Log) flagHeaderLocked() error {
	if l.header.flags&flagFloorFile != 0 || l.file == nil {
		return nil
	}
	h := fileHeader{next: l.header.next, flags: l.header.flags | flagFloorFile}
	if _, err := l.file.f.WriteAt(encodeHeader(h.next, h.flags), 0); err != nil {
		return err
	}
	if err := l.syncFile(l.file.f); err != nil {
		return err
	}
	l.header = h
	return nil
}

// headerFlags are the flags a new header of the log carries.
func (l *Log) headerFlags() byte {
	if l.floor > 0 {
		return flagFloorFile
	}
	return 0
}

// readFloorOf reads the id floor file of dir, refusing a log whose header says it keeps one
// that is missing: ids lost to damage or dropped by compaction could then be handed out again.
func readFloorOf(dir string, h fileHeader) (int64, error) {
	floor, kept, err := readFloor(dir)
	if err == nil && !kept && h.flags&flagFloorFile != 0 {
		err = fmt.Errorf("%w: the log keeps an id floor in %s, and that file is missing: without it, ids lost to damage or compaction could be handed out again; restore it from a backup of the data directory", ErrCorrupt, filepath.Join(dir, floorName))
	}
	return floor, err
}

// readFloor reads the id floor file of dir, and reports whether there is one (floor 0 when
// not). Only a regular file of the expected size is read: a symbolic link to a device or a
// FIFO in its place would make startup read without bound, or wait for good.
func readFloor(dir string) (floor int64, kept bool, err error) {
	name := filepath.Join(dir, floorName)
	info, err := os.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return 0, false, nil
	case err != nil:
		return 0, false, err
	case !info.Mode().IsRegular() || info.Size() != 16:
		return 0, false, fmt.Errorf("%w: %s is not the 16-byte file it should be (%v, %d bytes); it must not be lost, restore it from a backup", ErrCorrupt, name, info.Mode().Type(), info.Size())
	}
	b, err := os.ReadFile(name)
	switch {
	case err != nil:
		return 0, false, err
	case len(b) != 16 || string(b[:4]) != floorMagic ||
		crc32.Checksum(b[:12], castagnoli) != binary.BigEndian.Uint32(b[12:]):
		return 0, false, fmt.Errorf("%w: %s is damaged; it must not be lost, restore it from a backup", ErrCorrupt, floorName)
	}
	return int64(binary.BigEndian.Uint64(b[4:])), true, nil
}

// writeFloor replaces the id floor file of dir atomically.
func writeFloor(dir string, floor int64, durable bool) error {
	b := append([]byte(floorMagic), binary.BigEndian.AppendUint64(nil, uint64(floor))...)
	b = binary.BigEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	return replaceFile(filepath.Join(dir, floorName), b, 0o600, durable)
}

// ReplaceFile replaces the file at path with data, atomically and durably: a temporary
// file beside it, flushed, renamed over it, and the directory flushed, so that a crash
// leaves either the old contents or the new ones, never a part.
func ReplaceFile(path string, data []byte, perm os.FileMode) error {
	return replaceFile(path, data, perm, true)
}

func replaceFile(path string, data []byte, perm os.FileMode, durable bool) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil && durable {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if !durable {
		return nil
	}
	return syncDirectory(filepath.Dir(path))
}

// syncDirectory fsyncs dir, making a rename in it durable.
func syncDirectory(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// maxMark returns the highest mark of the frames of src in [from, to).
func maxMark(src *os.File, from, to int64, mark func(store.Record) int64) (int64, error) {
	var m int64
	err := eachFrame(src, from, to, func(_ *frameReader, rec store.Record) error {
		m = max(m, mark(rec))
		return nil
	})
	return m, err
}
