package filelog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"time"

	"github.com/accord-registry/accord/store"
)

// MaxPayloadSize is the largest frame payload the log writes or reads. It bounds what a
// corrupt length field can make a reader allocate; [Log.Append] rejects larger records.
const MaxPayloadSize = 64 << 20

// The frame and header layouts are drawn in the package documentation.
const (
	// frameHeaderSize is the length and checksum before each payload.
	frameHeaderSize = 8
	// payloadFixedSize is offset, timestamp, flags and key length.
	payloadFixedSize = 8 + 8 + 1 + 4

	flagTombstone byte = 1 << 0

	headerSize    = 20
	formatVersion = 1
	headerMagic   = "ACLG"
)

// castagnoli is the CRC-32C table; a read-only table, shared like a constant.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Frame errors: why the bytes at a position are not a valid frame. Open treats any of them as
// the end of the log; a reader of an opened log reports them wrapped in [ErrCorrupt].
var (
	errShortFrame  = errors.New("short frame")
	errFrameLength = errors.New("bad frame length")
	errChecksum    = errors.New("checksum mismatch")
	errPayload     = errors.New("malformed payload")
)

// frameSize is the encoded size of r's frame.
func frameSize(r *store.Record) int {
	return frameHeaderSize + payloadFixedSize + len(r.Key) + len(r.Value)
}

// appendFrame appends r's frame to dst. The caller has checked the size against
// [MaxPayloadSize] and that r.Offset is not negative.
func appendFrame(dst []byte, r *store.Record) []byte {
	start := len(dst)
	dst = binary.BigEndian.AppendUint32(dst, uint32(frameSize(r)-frameHeaderSize))
	dst = append(dst, 0, 0, 0, 0) // checksum, filled in below
	dst = binary.BigEndian.AppendUint64(dst, uint64(r.Offset))
	dst = binary.BigEndian.AppendUint64(dst, uint64(r.Timestamp.UnixMilli()))
	var flags byte
	if r.Value == nil {
		flags = flagTombstone
	}
	dst = append(dst, flags)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(r.Key)))
	dst = append(dst, r.Key...)
	dst = append(dst, r.Value...)
	sum := crc32.Checksum(dst[start+frameHeaderSize:], castagnoli)
	binary.BigEndian.PutUint32(dst[start+4:], sum)
	return dst
}

// decodeFrame decodes the frame at the start of b and returns it with its encoded size. The
// record's Key and Value alias b. It allocates nothing but an error.
func decodeFrame(b []byte) (store.Record, int, error) {
	if len(b) < frameHeaderSize {
		return store.Record{}, 0, errShortFrame
	}
	n, err := payloadLength(b)
	if err != nil {
		return store.Record{}, 0, err
	}
	if n > len(b)-frameHeaderSize {
		return store.Record{}, 0, errShortFrame
	}
	payload := b[frameHeaderSize : frameHeaderSize+n]
	if crc32.Checksum(payload, castagnoli) != binary.BigEndian.Uint32(b[4:]) {
		return store.Record{}, 0, errChecksum
	}
	r, err := decodePayload(payload)
	return r, frameHeaderSize + n, err
}

// payloadLength reads and bounds the length field of the frame header h.
func payloadLength(h []byte) (int, error) {
	n, ok := plausibleLength(h)
	if !ok {
		return 0, fmt.Errorf("%w %d", errFrameLength, n)
	}
	return n, nil
}

// plausibleLength is payloadLength without the error, which the search for a frame after
// damage, trying every byte position, cannot afford to build.
func plausibleLength(h []byte) (int, bool) {
	n := binary.BigEndian.Uint32(h)
	return int(n), n >= payloadFixedSize && n <= MaxPayloadSize
}

// decodePayload decodes a checksummed payload, rejecting any encoding that [appendFrame]
// would not produce.
func decodePayload(p []byte) (store.Record, error) {
	offset := int64(binary.BigEndian.Uint64(p))
	millis := int64(binary.BigEndian.Uint64(p[8:]))
	flags := p[16]
	keyLen := uint64(binary.BigEndian.Uint32(p[17:]))
	switch {
	case offset < 0:
		return store.Record{}, fmt.Errorf("%w: negative offset %d", errPayload, offset)
	case flags&^flagTombstone != 0:
		return store.Record{}, fmt.Errorf("%w: unknown flags %#x", errPayload, flags)
	case keyLen > uint64(len(p)-payloadFixedSize):
		return store.Record{}, fmt.Errorf("%w: key length %d", errPayload, keyLen)
	}
	keyEnd := payloadFixedSize + int(keyLen)
	r := store.Record{
		Offset:    offset,
		Timestamp: time.UnixMilli(millis),
		Key:       p[payloadFixedSize:keyEnd:keyEnd],
		Value:     p[keyEnd:len(p):len(p)], // a reader's buffer holds the next frames after p
	}
	if flags&flagTombstone != 0 {
		if len(r.Value) != 0 {
			return store.Record{}, fmt.Errorf("%w: tombstone with a value", errPayload)
		}
		r.Value = nil
	}
	return r, nil
}

// isFrameError reports whether err says the bytes were not a valid frame, as opposed to an
// I/O error.
func isFrameError(err error) bool {
	return errors.Is(err, errShortFrame) || errors.Is(err, errFrameLength) ||
		errors.Is(err, errChecksum) || errors.Is(err, errPayload)
}

// flagFloorFile, in the header's flags, says that an id floor file belongs to the log: Open
// refuses the log without it, since the ids lost to damage or compaction that the floor
// stands for could otherwise be handed out again.
const flagFloorFile byte = 1

// fileHeader is what the file header carries: the floor for the next offset, and flags.
type fileHeader struct {
	next  int64
	flags byte
}

// encodeHeader returns the file header carrying next, the floor for the next offset, and
// flags.
func encodeHeader(next int64, flags byte) []byte {
	h := make([]byte, 0, headerSize)
	h = append(h, headerMagic...)
	h = append(h, formatVersion, flags, 0, 0)
	h = binary.BigEndian.AppendUint64(h, uint64(next))
	return binary.BigEndian.AppendUint32(h, crc32.Checksum(h, castagnoli))
}

// decodeHeader validates a file header and returns what it carries.
func decodeHeader(h []byte) (fileHeader, error) {
	switch {
	case len(h) < headerSize:
		return fileHeader{}, fmt.Errorf("%w: short header (%d bytes)", ErrCorrupt, len(h))
	case string(h[:4]) != headerMagic:
		return fileHeader{}, fmt.Errorf("%w: bad magic %q", ErrCorrupt, h[:4])
	case crc32.Checksum(h[:16], castagnoli) != binary.BigEndian.Uint32(h[16:]):
		return fileHeader{}, fmt.Errorf("%w: header checksum mismatch", ErrCorrupt)
	case h[4] != formatVersion:
		return fileHeader{}, fmt.Errorf("%w: unsupported format version %d", ErrCorrupt, h[4])
	case h[5]&^flagFloorFile != 0 || h[6] != 0 || h[7] != 0:
		return fileHeader{}, fmt.Errorf("%w: unknown header flags %x", ErrCorrupt, h[5:8])
	}
	next := int64(binary.BigEndian.Uint64(h[8:]))
	if next < 0 {
		return fileHeader{}, fmt.Errorf("%w: negative next offset %d in header", ErrCorrupt, next)
	}
	return fileHeader{next: next, flags: h[5]}, nil
}
