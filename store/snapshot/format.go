package snapshot

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"time"
	"unicode/utf8"

	"github.com/accord-registry/accord/store"
)

// The file layout is drawn in the package documentation.
const (
	magic = "ACSN"
	// formatVersion 2 has the layout of 1 but holds only records the instance's state
	// accepted, which a reader replays without parsing them again; a version 1 file may hold
	// records the state refused, so it is discarded.
	formatVersion = 2
	headerSize    = len(magic) + 1
	trailerSize   = 4 // the CRC-32C
	// minRecordSize is the smallest record: offset, timestamp, key length and value length
	// take at least one byte each. It bounds the record count a file can claim.
	minRecordSize = 4
	// zeroMillis is time.Time{}.UnixMilli(), which a zero timestamp is stored as.
	zeroMillis = -62135596800000
)

// castagnoli is the CRC-32C table; a read-only table, shared like a constant.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errCorrupt says a file is not a snapshot this package wrote; Read wraps every decoding
// error in it.
var errCorrupt = errors.New("corrupt snapshot")

// metaJSON is the JSON form of [Meta].
type metaJSON struct {
	ClusterID string `json:"cluster_id"`
	Topic     string `json:"topic"`
	TopicID   string `json:"topic_id"`
	Offset    int64  `json:"offset"`
	// Absent from snapshots that parsed their records, the files written before it existed.
	TrustedText bool  `json:"trusted_text,omitempty"`
	IDFloor     int64 `json:"id_floor,omitempty"`
}

// validate checks what both Write and Read require of a snapshot; see the package
// documentation.
func validate(meta Meta, recs []store.Record) error {
	if meta.Offset < -1 {
		return fmt.Errorf("meta offset %d is below -1", meta.Offset)
	}
	for _, s := range []string{meta.ClusterID, meta.Topic, meta.TopicID} {
		if !utf8.ValidString(s) {
			return fmt.Errorf("meta string %q is not UTF-8", s)
		}
	}
	prev := int64(-1)
	for i := range recs {
		r := &recs[i]
		switch {
		case r.Key == nil:
			return fmt.Errorf("record %d (offset %d) has a nil key", i, r.Offset)
		case r.Offset <= prev:
			return fmt.Errorf("record %d: offset %d does not follow %d", i, r.Offset, prev)
		case r.Offset > meta.Offset:
			return fmt.Errorf("record %d: offset %d is past the meta offset %d", i, r.Offset, meta.Offset)
		}
		prev = r.Offset
	}
	return nil
}

// appendRecord appends the encoding of r to dst.
func appendRecord(dst []byte, r *store.Record) []byte {
	dst = binary.AppendUvarint(dst, uint64(r.Offset))
	dst = binary.AppendVarint(dst, r.Timestamp.UnixMilli())
	dst = binary.AppendUvarint(dst, uint64(len(r.Key)))
	dst = append(dst, r.Key...)
	if r.Value == nil {
		return binary.AppendUvarint(dst, 0)
	}
	dst = binary.AppendUvarint(dst, uint64(len(r.Value))+1)
	return append(dst, r.Value...)
}

// appendHeader appends everything before the records: magic, version, meta and record count.
func appendHeader(dst []byte, meta Meta, n int) ([]byte, error) {
	mj, err := json.Marshal(metaJSON(meta))
	if err != nil {
		return nil, err
	}
	dst = append(dst, magic...)
	dst = append(dst, formatVersion)
	dst = binary.AppendUvarint(dst, uint64(len(mj)))
	dst = append(dst, mj...)
	return binary.AppendUvarint(dst, uint64(n)), nil
}

// encode writes the snapshot of meta and recs to w. The caller has validated them.
func encode(w io.Writer, meta Meta, recs []store.Record) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	buf, err := appendHeader(make([]byte, 0, 4<<10), meta, len(recs))
	if err != nil {
		return err
	}
	crc := crc32.Update(0, castagnoli, buf)
	bw.Write(buf) // bufio errors are sticky: Flush reports them
	for i := range recs {
		buf = appendRecord(buf[:0], &recs[i])
		crc = crc32.Update(crc, castagnoli, buf)
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	bw.Write(binary.BigEndian.AppendUint32(buf[:0], crc))
	return bw.Flush()
}

// decode decodes a whole snapshot file. The records' Key and Value alias data. Every error
// wraps errCorrupt.
func decode(data []byte) (Meta, []store.Record, error) {
	body, err := checkFrame(data)
	if err != nil {
		return Meta{}, nil, err
	}
	d := decoder{b: body}
	meta := d.meta()
	recs := d.records()
	if d.err == nil && d.off != len(d.b) {
		d.fail("trailing bytes")
	}
	if d.err != nil {
		return Meta{}, nil, d.err
	}
	if err := validate(meta, recs); err != nil {
		return Meta{}, nil, fmt.Errorf("%w: %w", errCorrupt, err)
	}
	return meta, recs, nil
}

// checkFrame checks the magic, checksum and version of data and returns the bytes between
// the header and the checksum.
func checkFrame(data []byte) ([]byte, error) {
	switch {
	case len(data) < headerSize+trailerSize:
		return nil, fmt.Errorf("%w: short file (%d bytes)", errCorrupt, len(data))
	case string(data[:len(magic)]) != magic:
		return nil, fmt.Errorf("%w: bad magic %q", errCorrupt, data[:len(magic)])
	}
	end := len(data) - trailerSize
	if crc32.Checksum(data[:end], castagnoli) != binary.BigEndian.Uint32(data[end:]) {
		return nil, fmt.Errorf("%w: checksum mismatch", errCorrupt)
	}
	if v := data[len(magic)]; v != formatVersion {
		return nil, fmt.Errorf("%w: unsupported format version %d", errCorrupt, v)
	}
	return data[headerSize:end], nil
}

// decoder reads the body of a snapshot. The first error sticks: later reads return zero
// values, so callers check err once at the end.
type decoder struct {
	b   []byte
	off int
	err error
}

// fail records the first error, with the file position it was found at.
func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s at byte %d", errCorrupt, what, headerSize+d.off)
	}
}

// uvarint reads a shortest-form unsigned varint.
func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 || (n > 1 && d.b[d.off+n-1] == 0) {
		d.fail("bad varint")
		return 0
	}
	d.off += n
	return v
}

// varint reads a shortest-form zig-zag signed varint.
func (d *decoder) varint() int64 {
	u := d.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// bytes returns the next n bytes, capped so that appending to them cannot overwrite what
// follows.
func (d *decoder) bytes(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)-d.off) {
		d.fail(fmt.Sprintf("length %d past the end", n))
		return nil
	}
	end := d.off + int(n)
	p := d.b[d.off:end:end]
	d.off = end
	return p
}

// meta reads the meta length and JSON, accepting only what json.Marshal writes.
func (d *decoder) meta() Meta {
	b := d.bytes(d.uvarint())
	if d.err != nil {
		return Meta{}
	}
	var m metaJSON
	if err := json.Unmarshal(b, &m); err != nil {
		d.fail(fmt.Sprintf("meta: %v", err))
		return Meta{}
	}
	if canon, _ := json.Marshal(m); !bytes.Equal(canon, b) {
		d.fail("meta not in canonical form")
	}
	return Meta(m)
}

// records reads the record count and the records.
func (d *decoder) records() []store.Record {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)-d.off)/minRecordSize {
		d.fail(fmt.Sprintf("record count %d too large for the file", n))
		return nil
	}
	recs := make([]store.Record, n)
	for i := range recs {
		d.record(&recs[i])
		if d.err != nil {
			return nil
		}
	}
	return recs
}

// record reads one record into r.
func (d *decoder) record(r *store.Record) {
	r.Offset = int64(d.uvarint()) // validate rejects what overflows to negative
	r.Timestamp = timestamp(d.varint())
	r.Key = d.bytes(d.uvarint())
	if n := d.uvarint(); n > 0 {
		r.Value = d.bytes(n - 1)
	}
}

// timestamp is the inverse of [time.Time.UnixMilli], mapping zeroMillis back to the zero time.
func timestamp(ms int64) time.Time {
	if ms == zeroMillis {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}
