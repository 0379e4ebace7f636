package snapshot

import (
	"encoding/binary"
	"errors"
	"testing"
)

// file assembles a snapshot from raw parts and appends a correct checksum, so that the checks
// after the checksum are reached.
func file(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return withCRC(append(b, 0, 0, 0, 0))
}

// head is the magic and version.
var head = []byte(magic + "\x02")

// meta0 is the length-prefixed meta JSON of Meta{Offset: 9}.
var meta0 = lp(`{"cluster_id":"","topic":"","topic_id":"","offset":9}`)

// lp returns s prefixed by its length as a uvarint.
func lp(s string) []byte {
	return append(binary.AppendUvarint(nil, uint64(len(s))), s...)
}

// uv returns v as a uvarint.
func uv(v uint64) []byte { return binary.AppendUvarint(nil, v) }

// TestDecodeRejects feeds decode files with a valid checksum whose contents are wrong.
func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"bad magic", file([]byte("ACLG\x01"), meta0, uv(0))},
		{"unknown version", file([]byte(magic+"\x03"), meta0, uv(0))},
		{"version 1, which may hold rejected records", file([]byte(magic+"\x01"), meta0, uv(0))},
		{"no meta", file(head)},
		{"meta length past end", file(head, uv(1<<40))},
		{"meta length huge", file(head, uv(1<<63))},
		{"meta not JSON", file(head, lp(`{"offset":`), uv(0))},
		{"meta JSON array", file(head, lp(`[]`), uv(0))},
		{"meta with spaces", file(head, lp(`{"cluster_id":"", "topic":"","topic_id":"","offset":9}`), uv(0))},
		{"meta with unknown field", file(head, lp(`{"cluster_id":"","topic":"","topic_id":"","offset":9,"x":1}`), uv(0))},
		{"meta missing field", file(head, lp(`{"cluster_id":"","topic":"","offset":9}`), uv(0))},
		{"meta null", file(head, lp(`null`), uv(0))},
		{"meta offset below -1", file(head, lp(`{"cluster_id":"","topic":"","topic_id":"","offset":-2}`), uv(0))},
		{"no record count", file(head, meta0)},
		{"overlong varint", file(head, meta0, []byte{0x80, 0x00})},
		{"varint overflow", file(head, meta0, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02})},
		{"record count huge", file(head, meta0, uv(1<<62), []byte{0, 0, 0, 0})},
		{"record count past end", file(head, meta0, uv(2), []byte{0, 0, 1, 'k', 0})},
		{"key length past end", file(head, meta0, uv(1), uv(0), uv(0), uv(1<<40), []byte("kkkk"))},
		{"value length past end", file(head, meta0, uv(1), uv(0), uv(0), uv(1), []byte("k"), uv(1<<20))},
		{"trailing bytes", file(head, meta0, uv(1), uv(0), uv(0), uv(1), []byte("k"), uv(0), []byte{0})},
		{"offsets not increasing", file(head, meta0, uv(2), uv(3), uv(0), uv(1), []byte("k"), uv(0), uv(3), uv(0), uv(1), []byte("j"), uv(0))},
		{"offset past meta", file(head, meta0, uv(1), uv(10), uv(0), uv(1), []byte("k"), uv(0))},
		{"offset overflows", file(head, meta0, uv(1), uv(1<<63), uv(0), uv(1), []byte("k"), uv(0))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			meta, recs, err := decode(tt.data)
			if !errors.Is(err, errCorrupt) || meta != (Meta{}) || recs != nil {
				t.Fatalf("decode = %v, %d records, %v; want nothing and a corrupt snapshot error", meta, len(recs), err)
			}
			t.Log(err)
		})
	}
}

// TestDecodeHandBuilt checks that the hand-built parts above make a valid file when put
// together right, so that each case of TestDecodeRejects fails for the reason it names.
func TestDecodeHandBuilt(t *testing.T) {
	data := file(head, meta0, uv(2), uv(3), uv(0), uv(1), []byte("k"), uv(0), uv(9), uv(1), uv(0), uv(3), []byte("vv"))
	meta, recs, err := decode(data)
	if err != nil {
		t.Fatalf("decode = %v", err)
	}
	if meta != (Meta{Offset: 9}) || len(recs) != 2 || recs[0].Value != nil || string(recs[1].Value) != "vv" || recs[1].Timestamp.UnixMilli() != -1 {
		t.Fatalf("decode = %+v, %+v", meta, recs)
	}
}
