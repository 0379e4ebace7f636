package filelog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/accord-registry/accord/store"
)

// ErrDamaged is wrapped by the [*DamageError] that [Open] returns for a log whose damage is
// not a torn tail.
var ErrDamaged = errors.New("filelog: log damaged before its end")

// DamageError says that the log file holds bytes that are not a valid frame with valid
// frames after them. Acknowledged records may lie there, so Open refuses the log and leaves
// the file untouched: see [Repair].
type DamageError struct {
	Path      string // the log file
	Pos       int64  // byte position of the first bad frame
	Reason    error  // why the bytes there are not a frame
	Following int64  // valid frames after the damage
}

func (e *DamageError) Error() string {
	return fmt.Sprintf("%s is damaged at byte %d (%v) and %d valid frames follow: "+
		"refusing to open it rather than drop acknowledged records; the file is unchanged "+
		"(inspect it with `accord log verify`, recover what is valid with `accord log repair`)",
		e.Path, e.Pos, e.Reason, e.Following)
}

func (e *DamageError) Unwrap() error { return ErrDamaged }

// Damage is a byte range of a log file that holds no valid frame.
type Damage struct {
	From, To int64  // the range [From, To)
	Reason   string // why the frame at From is not valid
	// MaxFrames bounds how many frames the range held: no frame is shorter than
	// minFrameSize, and the range cannot hold more frames than there are missing offsets
	// between the valid frames around it.
	MaxFrames int64
}

// minFrameSize is the smallest frame: a header and an empty key and value.
const minFrameSize = frameHeaderSize + payloadFixedSize

// walkResult is what a walk over frames found.
type walkResult struct {
	frames  int64    // valid frames
	last    int64    // offset of the last valid frame; the walk's starting value if none
	damaged []Damage // in file order
}

// walk reads the frames of src in [from, size) and calls fn for each valid one. At a bad
// frame it resynchronises: it records the damage and goes on from the next byte position
// where a valid frame, with an offset above the last one, decodes. Offsets of valid frames
// strictly increase; last is the offset the first frame must exceed (-1 at the start).
func walk(src io.ReaderAt, from, size, last int64, fn func(*frameReader, store.Record) error) (walkResult, error) {
	res := walkResult{last: last}
	for pos := from; pos < size; {
		bad, reason, err := res.walkFrames(src, pos, size, fn)
		if err != nil || bad < 0 {
			return res, err
		}
		next, rec, err := findFrame(src, bad+1, size, res.last)
		if err != nil {
			return res, err
		}
		d := Damage{From: bad, To: next, Reason: reason, MaxFrames: (next - bad) / minFrameSize}
		if next < size {
			d.MaxFrames = min(d.MaxFrames, rec.Offset-res.last-1)
		}
		res.damaged = append(res.damaged, d)
		pos = next
	}
	return res, nil
}

// walkFrames reads consecutive valid frames from pos. It returns the position of the first
// bad frame and why, or -1 at the end of the range.
func (res *walkResult) walkFrames(src io.ReaderAt, pos, size int64, fn func(*frameReader, store.Record) error) (int64, string, error) {
	r := newFrameReader(src, pos, size)
	for {
		rec, err := r.next()
		switch {
		case err == io.EOF:
			return -1, "", nil
		case isFrameError(err):
			return r.pos, err.Error(), nil
		case err != nil:
			return 0, "", err
		case rec.Offset <= res.last:
			return r.pos, fmt.Sprintf("offset %d does not follow offset %d", rec.Offset, res.last), nil
		}
		if fn != nil {
			if err := fn(r, rec); err != nil {
				return 0, "", err
			}
		}
		res.frames++
		res.last = rec.Offset
	}
}

// resyncWindow is how many candidate positions findFrame reads at once.
const resyncWindow = 64 << 10

// findFrame returns the first position at or after from where a whole valid frame with an
// offset above after decodes, and its record, or size when there is none. A random match
// would need a plausible length, a matching CRC-32C over the payload, a well-formed payload
// and an offset in order, so damage is not mistaken for a frame.
func findFrame(src io.ReaderAt, from, size, after int64) (int64, store.Record, error) {
	buf := make([]byte, resyncWindow+minFrameSize)
	var frame []byte
	for base := from; base+minFrameSize <= size; base += resyncWindow {
		n, err := src.ReadAt(buf[:min(int64(len(buf)), size-base)], base)
		if err != nil && err != io.EOF {
			return 0, store.Record{}, err
		}
		for i := 0; i < resyncWindow && i+minFrameSize <= n; i++ {
			length, ok := plausibleLength(buf[i:])
			if !ok || base+int64(i)+frameHeaderSize+int64(length) > size ||
				!plausibleFixed(buf[i+frameHeaderSize:i+minFrameSize], length, after) {
				continue
			}
			frame = grow(frame, frameHeaderSize+length)
			if _, err := src.ReadAt(frame, base+int64(i)); err != nil {
				return 0, store.Record{}, err
			}
			if rec, _, err := decodeFrame(frame); err == nil && rec.Offset > after {
				return base + int64(i), rec, nil
			}
		}
	}
	return size, store.Record{}, nil
}

// plausibleFixed reports whether the fixed part p of a payload length bytes long could be
// that of a valid frame following offset after: an offset above it, known flags, a key that
// fits. Random bytes have a plausible length field at about one position in sixty, which
// claims megabytes on average; these checks, on bytes findFrame holds already, spare it
// reading and checksumming them at all but about one position in a million.
func plausibleFixed(p []byte, length int, after int64) bool {
	offset := int64(binary.BigEndian.Uint64(p))
	keyLen := uint64(binary.BigEndian.Uint32(p[17:]))
	return offset >= 0 && offset > after && p[16]&^flagTombstone == 0 &&
		keyLen <= uint64(length-payloadFixedSize)
}
