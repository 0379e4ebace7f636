package filelog

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/accord-registry/accord/store"
)

// Survey is a log file's health as [Verify] and [Repair] find it.
type Survey struct {
	Path        string
	Bytes       int64 // size of the file
	Frames      int64 // valid frames: the records a repair keeps
	LiveKeys    int64 // keys whose last record is not a tombstone
	FirstOffset int64 // offset of the first valid frame, -1 when there is none
	LastOffset  int64 // offset of the last valid frame, -1 when there is none
	End         int64 // the offset the next record gets
	MaxMark     int64 // highest mark of a valid frame (the highest schema id)
	IDFloor     int64 // the id floor the data directory keeps
	Damaged     []Damage
	FirstBad    int64 // start of the first damaged range, -1 when there is none
	TornTail    bool  // the last damaged range runs to the end of the file
}

// Healthy reports whether [Open] would serve the log without losing a record: no damage, or
// only a torn tail, which it cuts.
func (s Survey) Healthy() bool {
	return len(s.Damaged) == 0 || len(s.Damaged) == 1 && s.TornTail
}

// LostBytes is how many bytes the damaged ranges cover.
func (s Survey) LostBytes() int64 {
	var n int64
	for _, d := range s.Damaged {
		n += d.To - d.From
	}
	return n
}

// LostFrames bounds how many frames the damaged ranges held.
func (s Survey) LostFrames() int64 {
	var n int64
	for _, d := range s.Damaged {
		n += d.MaxFrames
	}
	return n
}

// Verify reads every frame of the log in dir, resynchronising past damage, and reports what
// it found without changing anything. mark may be nil. It takes the directory lock, so it
// fails with [ErrLocked] while a server has the log open.
func Verify(dir string, mark func(store.Record) int64) (Survey, error) {
	lock, err := lockDir(dir)
	if err != nil {
		return Survey{}, err
	}
	defer lock.Close()
	f, err := os.Open(filepath.Join(dir, logName))
	if err != nil {
		return Survey{}, fmt.Errorf("filelog: %w", err)
	}
	defer f.Close()
	return survey(f, dir, mark, nil)
}

// survey walks the log file f of dir, calling keep for each valid frame when not nil.
func survey(f *os.File, dir string, mark func(store.Record) int64, keep func(*frameReader) error) (Survey, error) {
	s := Survey{Path: f.Name(), FirstOffset: -1, LastOffset: -1, FirstBad: -1}
	h, err := readHeader(f)
	if err != nil {
		return s, err
	}
	if s.IDFloor, err = readFloorOf(dir, h); err != nil {
		return s, err
	}
	info, err := f.Stat()
	if err != nil {
		return s, err
	}
	s.Bytes = info.Size()
	live := map[string]bool{}
	res, err := walk(f, headerSize, s.Bytes, -1, func(r *frameReader, rec store.Record) error {
		if s.FirstOffset < 0 {
			s.FirstOffset = rec.Offset
		}
		live[string(rec.Key)] = rec.Value != nil
		if mark != nil {
			s.MaxMark = max(s.MaxMark, mark(rec))
		}
		if keep != nil {
			return keep(r)
		}
		return nil
	})
	if err != nil {
		return s, err
	}
	for _, ok := range live {
		if ok {
			s.LiveKeys++
		}
	}
	s.Frames, s.LastOffset, s.Damaged = res.frames, res.last, res.damaged
	s.End = max(h.next, s.LastOffset+1)
	if n := len(s.Damaged); n > 0 {
		s.FirstBad, s.TornTail = s.Damaged[0].From, s.Damaged[n-1].To == s.Bytes
	}
	return s, nil
}

// RepairReport says what [Repair] did.
type RepairReport struct {
	Before  Survey // the damaged log as found
	Backup  string // the copy of the original file
	Report  string // the file holding this report's text
	IDFloor int64  // the id floor afterwards
}

// LostBytes is how many bytes of the original the repaired log does not hold.
func (r RepairReport) LostBytes() int64 { return r.Before.LostBytes() }

// Repair rewrites the log in dir keeping every valid frame and dropping the damaged byte
// ranges between them. First it copies the original next to it (log.before-repair-<time>,
// never overwriting an earlier copy); afterwards it writes the report next to the copy. The
// id floor goes above the highest mark seen (with mark; see [Config.Mark]) plus one for
// every frame the damaged ranges could have held, so no id that may have been handed out is
// handed out again. The new log replaces the old one atomically; the caller must have
// stopped the server (Repair takes the directory lock).
func Repair(dir string, mark func(store.Record) int64) (RepairReport, error) {
	lock, err := lockDir(dir)
	if err != nil {
		return RepairReport{}, err
	}
	defer lock.Close()
	cfg := Config{}.withDefaults()
	l := &Log{dir: dir, cfg: cfg, logger: cfg.Logger}
	src, err := os.Open(filepath.Join(dir, logName))
	if err != nil {
		return RepairReport{}, fmt.Errorf("filelog: %w", err)
	}
	defer src.Close()
	var rep RepairReport
	if rep.Backup, err = backup(src); err != nil {
		return rep, fmt.Errorf("filelog: back up the log: %w", err)
	}
	tmp, err := l.createTemp()
	if err != nil {
		return rep, fmt.Errorf("filelog: repair: %w", err)
	}
	if err := l.rewrite(src, tmp, mark, &rep); err != nil {
		discardTemp(tmp)
		return rep, fmt.Errorf("filelog: repair: %w", err)
	}
	tmp.Close()
	rep.Report = rep.Backup + ".report"
	if err := os.WriteFile(rep.Report, []byte(rep.String()), 0o600); err != nil {
		return rep, fmt.Errorf("filelog: write the repair report: %w", err)
	}
	return rep, nil
}

// rewrite copies the valid frames of src into tmp, raises the id floor and installs tmp.
func (l *Log) rewrite(src, tmp *os.File, mark func(store.Record) int64, rep *RepairReport) error {
	w := bufio.NewWriterSize(tmp, 1<<20)
	if _, err := w.Write(encodeHeader(0, 0)); err != nil {
		return err
	}
	s, err := survey(src, l.dir, mark, func(r *frameReader) error {
		_, err := w.Write(r.raw())
		return err
	})
	if err != nil {
		return err
	}
	rep.Before = s
	if err := w.Flush(); err != nil {
		return err
	}
	l.floor = s.IDFloor
	rep.IDFloor = s.IDFloor
	if lost := s.LostFrames(); lost > 0 || s.LostBytes() > 0 {
		rep.IDFloor = max(s.IDFloor, s.MaxMark) + lost
		if err := l.raiseFloorLocked(rep.IDFloor); err != nil {
			return err
		}
	}
	if _, err := tmp.WriteAt(encodeHeader(s.End, l.headerFlags()), 0); err != nil {
		return err
	}
	return l.install(tmp)
}

// backup copies the log file src to log.before-repair-<UTC time> in its directory, with a
// numeric suffix when that name is taken, and fsyncs the copy.
func backup(src *os.File) (string, error) {
	base := src.Name() + ".before-repair-" + time.Now().UTC().Format("20060102T150405Z")
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		dst, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, err = io.Copy(dst, io.NewSectionReader(src, 0, 1<<62))
		if err == nil {
			err = dst.Sync()
		}
		if err = errors.Join(err, dst.Close()); err != nil {
			return "", err
		}
		return name, syncDirectory(filepath.Dir(name))
	}
}

// String is the report's text: what was kept, what was lost, where the original is.
func (r RepairReport) String() string {
	var b strings.Builder
	s := r.Before
	fmt.Fprintf(&b, "repaired %s\noriginal kept as %s\n", s.Path, r.Backup)
	fmt.Fprintf(&b, "kept %d valid frames (offsets %d to %d), next offset %d\n", s.Frames, s.FirstOffset, s.LastOffset, s.End)
	fmt.Fprintf(&b, "lost %d bytes in %d damaged ranges, holding at most %d frames\n", s.LostBytes(), len(s.Damaged), s.LostFrames())
	for _, d := range s.Damaged {
		fmt.Fprintf(&b, "  bytes [%d, %d): %s; at most %d frames\n", d.From, d.To, d.Reason, d.MaxFrames)
	}
	fmt.Fprintf(&b, "highest id seen %d; id floor %d (was %d): new ids start above it\n", s.MaxMark, r.IDFloor, s.IDFloor)
	return b.String()
}
