package filelog

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
)

// FuzzDecodeFrame decodes arbitrary bytes as log frames, the way Open reads a damaged file.
// Invariants:
//   - decoding never panics, and an error is always a frame error (see isFrameError);
//   - a decoded frame spans 1..len(data) bytes, and encoding its record gives exactly those
//     bytes back (the encoding is canonical);
//   - the same holds for data with its first frame's checksum made right, so that the fuzzer
//     reaches the payload checks;
//   - the stream reader agrees with decodeFrame on the first frame, consumes no more than the
//     input, re-encodes each frame it reads to its raw bytes, and never buffers more than the
//     input holds, whatever a length field claims.
func FuzzDecodeFrame(f *testing.F) {
	for _, seed := range frameSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data)
		if len(data) >= frameHeaderSize {
			n, err := payloadLength(data)
			if err == nil && n <= len(data)-frameHeaderSize {
				fixed := bytes.Clone(data)
				binary.BigEndian.PutUint32(fixed[4:], crc32.Checksum(fixed[frameHeaderSize:frameHeaderSize+n], castagnoli))
				checkDecode(t, fixed)
			}
		}
	})
}

// checkDecode checks the invariants of FuzzDecodeFrame on data.
func checkDecode(t *testing.T, data []byte) {
	rec, n, err := decodeFrame(data)
	if err != nil && !isFrameError(err) {
		t.Fatalf("decodeFrame error %v is not a frame error", err)
	}
	if err == nil {
		if n <= 0 || n > len(data) {
			t.Fatalf("decodeFrame consumed %d of %d bytes", n, len(data))
		}
		if enc := appendFrame(nil, &rec); !bytes.Equal(enc, data[:n]) {
			t.Fatalf("encode(decode(x)) = %x, want %x", enc, data[:n])
		}
	}
	checkStream(t, data, err)
}

// checkStream reads data with a frameReader, checking the stream invariants of
// FuzzDecodeFrame; firstErr is decodeFrame's verdict on the first frame.
func checkStream(t *testing.T, data []byte, firstErr error) {
	r := newFrameReader(bytes.NewReader(data), 0, int64(len(data)))
	for i := 0; ; i++ {
		rec, err := r.next()
		if i == 0 && (err == nil) != (firstErr == nil) && !(len(data) == 0 && err == io.EOF) {
			t.Fatalf("frameReader says %v, decodeFrame says %v", err, firstErr)
		}
		if cap(r.own) > len(data) {
			t.Fatalf("frameReader buffered %d bytes of a %d byte input", cap(r.own), len(data))
		}
		if err != nil {
			if err != io.EOF && !isFrameError(err) {
				t.Fatalf("frameReader error %v is neither EOF nor a frame error", err)
			}
			return
		}
		if r.pos > int64(len(data)) || !bytes.Equal(appendFrame(nil, &rec), r.raw()) {
			t.Fatalf("frame %d: pos %d of %d, raw %x", i, r.pos, len(data), r.raw())
		}
	}
}

// FuzzFrameRoundTrip encodes records and decodes them back. Invariants: decode(encode(r)) is
// r (offset, millisecond timestamp, key, value, and whether the value is nil), it consumes the
// whole frame, and the frame's size is frameSize(r).
func FuzzFrameRoundTrip(f *testing.F) {
	f.Add(int64(0), int64(1_700_000_000_000), []byte(`{"keytype":"NOOP","magic":0}`), []byte{}, false)
	f.Add(int64(42), int64(-1), []byte("k"), []byte(nil), true)
	f.Add(int64(math.MaxInt64), int64(math.MinInt64), []byte{}, []byte("v"), false)
	f.Fuzz(func(t *testing.T, offset, millis int64, key, value []byte, tombstone bool) {
		want := store.Record{Offset: offset & math.MaxInt64, Timestamp: time.UnixMilli(millis), Key: key}
		if !tombstone {
			want.Value = append([]byte{}, value...)
		}
		enc := appendFrame([]byte("prefix"), &want)[len("prefix"):]
		if len(enc) != frameSize(&want) {
			t.Fatalf("frame is %d bytes, frameSize says %d", len(enc), frameSize(&want))
		}
		got, n, err := decodeFrame(append(enc, "trailing"...))
		if err != nil || n != len(enc) {
			t.Fatalf("decodeFrame = %d, %v; want %d, nil", n, err, len(enc))
		}
		if !sameRecord(got, want) || got.Timestamp.UnixMilli() != millis {
			t.Fatalf("decode(encode(r)) = %s, want %s", show(got), show(want))
		}
	})
}

// FuzzDecodeHeader decodes arbitrary bytes as a file header. Invariants: it never panics, an
// error wraps ErrCorrupt, and a valid header re-encodes to its first headerSize bytes.
func FuzzDecodeHeader(f *testing.F) {
	f.Add(encodeHeader(0, 0))
	f.Add(encodeHeader(12345, flagFloorFile))
	f.Add([]byte("ACLG"))
	f.Fuzz(func(t *testing.T, h []byte) {
		got, err := decodeHeader(h)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("decodeHeader error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		if enc := encodeHeader(got.next, got.flags); !bytes.Equal(enc, h[:headerSize]) {
			t.Fatalf("encode(decode(h)) = %x, want %x", enc, h[:headerSize])
		}
	})
}

// frameSeeds are valid and damaged frames, also kept as files under testdata/fuzz.
func frameSeeds() [][]byte {
	ts := time.UnixMilli(1_700_000_000_000)
	valid := appendFrame(nil, &store.Record{Offset: 7, Timestamp: ts, Key: []byte(`{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}`), Value: []byte(`{"schema":"\"string\""}`)})
	tomb := appendFrame(nil, &store.Record{Offset: 8, Timestamp: ts, Key: []byte("k")})
	empty := appendFrame(nil, &store.Record{Offset: 9, Timestamp: ts, Key: []byte{}, Value: []byte{}})
	flipped := bytes.Clone(valid)
	flipped[len(flipped)-1] ^= 1
	huge := append([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}, valid[8:]...)
	return [][]byte{
		valid, tomb, empty,
		append(bytes.Clone(valid), tomb...),
		valid[:len(valid)-1],
		valid[:5],
		flipped,
		huge,
		withPayload(valid, func(p []byte) { p[16] = 0x80 }),          // unknown flag
		withPayload(valid, func(p []byte) { p[16] = flagTombstone }), // tombstone with a value
		withPayload(valid, func(p []byte) { p[0] = 0x80 }),           // negative offset
		withPayload(valid, func(p []byte) { p[17] = 0x7f }),          // key longer than the payload
	}
}

// withPayload returns a copy of frame with its payload edited and its checksum fixed, so only
// the payload checks can reject it.
func withPayload(frame []byte, edit func(payload []byte)) []byte {
	f := bytes.Clone(frame)
	edit(f[frameHeaderSize:])
	binary.BigEndian.PutUint32(f[4:], crc32.Checksum(f[frameHeaderSize:], castagnoli))
	return f
}

// TestDecodeFrameBounded checks the allocation guard directly: decoding a valid frame does not
// allocate, and a length field far beyond the data makes the reader buffer nothing past the
// input.
func TestDecodeFrameBounded(t *testing.T) {
	valid := frameSeeds()[:4]
	allocs := testing.AllocsPerRun(100, func() {
		for _, s := range valid {
			if _, _, err := decodeFrame(s); err != nil {
				t.Fatal(err)
			}
		}
	})
	if allocs != 0 {
		t.Errorf("decodeFrame allocates %v times per run, want 0", allocs)
	}
	for _, length := range []uint32{MaxPayloadSize, MaxPayloadSize + 1, math.MaxUint32} {
		data := binary.BigEndian.AppendUint32(nil, length)
		data = append(data, make([]byte, 100)...)
		r := newFrameReader(bytes.NewReader(data), 0, int64(len(data)))
		if _, err := r.next(); !isFrameError(err) || cap(r.own) > len(data) {
			t.Errorf("length %d: next() = %v with a %d byte buffer, want a frame error and at most %d bytes", length, err, cap(r.own), len(data))
		}
	}
}
