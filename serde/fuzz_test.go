package serde

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
)

// Bits of FuzzDecode's flags argument.
const (
	fuzzKey         = 1 << 0 // decode a record key
	fuzzProtobuf    = 1 << 1 // decode Protobuf (read message indexes)
	fuzzKeyHeader   = 1 << 2 // add a __key_schema_id header holding the header argument
	fuzzValueHeader = 1 << 3 // add a __value_schema_id header holding the header argument
)

// FuzzDecode decodes arbitrary records: a payload, possibly a key or value schema-id header
// with arbitrary bytes, for a key or a value, Protobuf or not. Invariants:
//   - Decode never panics, and every error is a *WireError with a Where and a Reason, returned
//     with zero values;
//   - an accepted record's id is normalised (what IDOf or GUIDOf would give), its indexes are
//     nil unless Protobuf, else 1 to 128 non-negative indexes;
//   - when the id came from the header (the right one for key or value, not empty), the body
//     is the whole payload and HeaderValue gives the header value back;
//   - otherwise the body is a suffix of the payload, and AppendPrefix and AppendIndexes give
//     back exactly the bytes before it (the long form of [0] excepted, see DecodeIndexes);
//   - encoding any id (taken from the payload) and index path (taken from the header bytes)
//     as a prefix or as a header and decoding it gives them back, with the body untouched.
func FuzzDecode(f *testing.F) {
	for _, c := range loadWireCases(f) {
		var flags uint8
		if c.key {
			flags |= fuzzKey
		}
		if c.protobuf {
			flags |= fuzzProtobuf
		}
		var header []byte
		for _, h := range c.headers {
			switch h.Key {
			case KeyHeader:
				header, flags = h.Value, flags|fuzzKeyHeader
			case ValueHeader:
				header, flags = h.Value, flags|fuzzValueHeader
			}
		}
		f.Add(c.payload, header, flags)
		f.Add(c.want, c.want, flags|fuzzValueHeader)
	}
	f.Fuzz(func(t *testing.T, payload, header []byte, flags uint8) {
		isKey, protobuf := flags&fuzzKey != 0, flags&fuzzProtobuf != 0
		var headers []Header
		if flags&fuzzKeyHeader != 0 {
			headers = append(headers, Header{Key: KeyHeader, Value: header})
		}
		if flags&fuzzValueHeader != 0 {
			headers = append(headers, Header{Key: ValueHeader, Value: header})
		}
		checkDecode(t, payload, headers, isKey, protobuf)
		checkDecodeWithoutIndexes(t, payload, headers, isKey, protobuf)
		checkRoundTrip(t, idFrom(payload), pathFrom(header), payload, isKey, protobuf)
	})
}

// checkDecode checks FuzzDecode's invariants for one record.
func checkDecode(t *testing.T, payload []byte, headers []Header, isKey, protobuf bool) {
	id, indexes, body, err := Decode(payload, headers, isKey, protobuf)
	if err != nil {
		we, ok := err.(*WireError)
		if !ok || we.Where == "" || we.Reason == "" {
			t.Fatalf("Decode error %#v is not a complete *WireError", err)
		}
		if id != (SchemaID{}) || indexes != nil || body != nil {
			t.Fatalf("Decode failed (%v) but returned %v, %v, % x", err, id, indexes, body)
		}
		return
	}
	if (id.IsGUID && id != GUIDOf(id.GUID)) || (!id.IsGUID && id != IDOf(id.ID)) {
		t.Fatalf("Decode returned a non-normalised id %#v", id)
	}
	checkIndexes(t, indexes, protobuf)
	used := headerUsed(headers, isKey)
	if used != nil {
		if !sameSlice(body, payload) {
			t.Fatalf("id from the header, but body % x is not the payload % x", body, payload)
		}
		if enc := HeaderValue(id, indexes, protobuf); !reencodes(enc, used, prefixLen(id)) {
			t.Fatalf("HeaderValue(%v, %v) = % x, want the header % x", id, indexes, enc, used)
		}
		return
	}
	if len(body) > len(payload) || !sameSlice(body, payload[len(payload)-len(body):]) {
		t.Fatalf("body % x is not a suffix of the payload % x", body, payload)
	}
	consumed := payload[:len(payload)-len(body)]
	enc := AppendPrefix(nil, id)
	if protobuf {
		enc = AppendIndexes(enc, indexes)
	}
	if !reencodes(enc, consumed, prefixLen(id)) {
		t.Fatalf("re-encoding %v, %v = % x, want the consumed % x", id, indexes, enc, consumed)
	}
}

// checkIndexes checks the shape of a decoded index path.
func checkIndexes(t *testing.T, indexes []int, protobuf bool) {
	if !protobuf {
		if indexes != nil {
			t.Fatalf("indexes %v for a record that is not Protobuf", indexes)
		}
		return
	}
	if len(indexes) == 0 || len(indexes) > maxIndexes {
		t.Fatalf("%d indexes, want 1 to %d", len(indexes), maxIndexes)
	}
	for _, i := range indexes {
		if i < 0 || i > math.MaxInt32 {
			t.Fatalf("index %d out of range in %v", i, indexes)
		}
	}
}

// checkRoundTrip encodes id and path with body as a prefixed payload and as a header, and
// checks that Decode gives them back.
func checkRoundTrip(t *testing.T, id SchemaID, path []int, body []byte, isKey, protobuf bool) {
	want := decodedIndexes(path, protobuf)
	rec := AppendPrefix(nil, id)
	if protobuf {
		rec = AppendIndexes(rec, path)
	}
	rec = append(rec, body...)
	gotID, gotIdx, gotBody, err := Decode(rec, nil, isKey, protobuf)
	if err != nil || gotID != id || !equalInts(gotIdx, want) || !bytes.Equal(gotBody, body) {
		t.Fatalf("Decode(prefixed %v, %v) = %v, %v, % x, %v; want %v, %v, % x", id, path, gotID, gotIdx, gotBody, err, id, want, body)
	}
	h := []Header{{Key: headerName(isKey), Value: HeaderValue(id, path, protobuf)}}
	gotID, gotIdx, gotBody, err = Decode(body, h, isKey, protobuf)
	if err != nil || gotID != id || !equalInts(gotIdx, want) || !sameSlice(gotBody, body) {
		t.Fatalf("Decode(header %v, %v) = %v, %v, % x, %v; want %v, %v, % x", id, path, gotID, gotIdx, gotBody, err, id, want, body)
	}
}

// FuzzIndexes decodes arbitrary bytes as a message-index array. Invariants:
//   - DecodeIndexes never panics, and every error is a *WireError about "message indexes";
//   - an accepted path has 1 to 128 non-negative indexes, the rest is a suffix of the input,
//     and AppendIndexes gives back exactly the bytes consumed (the long form of [0] excepted);
//   - the indexes agree with encoding/binary's varint reader, used as a reference;
//   - any path (taken from the input bytes) written by AppendIndexes, with indexesLen bytes,
//     reads back as itself, [0] for the empty path.
func FuzzIndexes(f *testing.F) {
	for _, c := range loadWireCases(f) {
		if c.kind == "indexes" {
			f.Add(c.want)
		}
		if c.protobuf && len(c.payload) > idPrefixLen {
			f.Add(c.payload[idPrefixLen:])
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		indexes, rest, err := DecodeIndexes(data)
		if err != nil {
			if we, ok := err.(*WireError); !ok || we.Where != whereIndexes || we.Reason == "" {
				t.Fatalf("DecodeIndexes error %#v is not a *WireError about message indexes", err)
			}
		} else {
			checkIndexes(t, indexes, true)
			if len(rest) > len(data) || !sameSlice(rest, data[len(data)-len(rest):]) {
				t.Fatalf("rest % x is not a suffix of % x", rest, data)
			}
			consumed := data[:len(data)-len(rest)]
			if enc := AppendIndexes(nil, indexes); !reencodes(enc, consumed, 0) {
				t.Fatalf("AppendIndexes(%v) = % x, want the consumed % x", indexes, enc, consumed)
			}
			if ref := referenceIndexes(consumed); !equalInts(ref, indexes) {
				t.Fatalf("DecodeIndexes(% x) = %v, encoding/binary reads %v", consumed, indexes, ref)
			}
		}
		path := pathFrom(data)
		enc := AppendIndexes(nil, path)
		if len(enc) != indexesLen(path) {
			t.Fatalf("AppendIndexes(%v) is %d bytes, indexesLen says %d", path, len(enc), indexesLen(path))
		}
		got, rest, err := DecodeIndexes(append(enc, 0xff))
		if want := decodedIndexes(path, true); err != nil || !equalInts(got, want) || !bytes.Equal(rest, []byte{0xff}) {
			t.Fatalf("DecodeIndexes(AppendIndexes(%v)) = %v, % x, %v; want %v, ff", path, got, rest, err, want)
		}
	})
}

// referenceIndexes reads a message-index array that DecodeIndexes accepted with
// encoding/binary's 64-bit zig-zag varint reader.
func referenceIndexes(b []byte) []int {
	count, n := binary.Varint(b)
	if count == 0 {
		return []int{0}
	}
	out := make([]int, 0, count)
	for range count {
		v, m := binary.Varint(b[n:])
		out, n = append(out, int(v)), n+m
	}
	return out
}

// headerUsed returns the header value Decode should take the id from, or nil.
func headerUsed(headers []Header, isKey bool) []byte {
	name := ValueHeader
	if isKey {
		name = KeyHeader
	}
	var v []byte
	for _, h := range headers {
		if h.Key == name {
			v = h.Value
		}
	}
	if len(v) == 0 {
		return nil
	}
	return v
}

// reencodes reports whether enc, an encoding of what was decoded from consumed, gives the same
// bytes: equal, or consumed held the long form of [0] (02 00) at offset at and enc the
// shortcut (00).
func reencodes(enc, consumed []byte, at int) bool {
	if bytes.Equal(enc, consumed) {
		return true
	}
	return len(enc) == at+1 && len(consumed) == at+2 && bytes.Equal(enc[:at], consumed[:at]) &&
		enc[at] == 0x00 && consumed[at] == 0x02 && consumed[at+1] == 0x00
}

// sameSlice reports whether a and b are the same bytes in memory, not merely equal.
func sameSlice(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	return len(a) == 0 || &a[0] == &b[0]
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// idFrom derives a schema id from fuzz input: a GUID from bytes 1..16 when there are 17 bytes
// and the first is odd, else an int32 from the first 4 bytes.
func idFrom(b []byte) SchemaID {
	if len(b) >= guidPrefixLen && b[0]&1 == 1 {
		return GUIDOf([16]byte(b[1:guidPrefixLen]))
	}
	var x [4]byte
	copy(x[:], b)
	return IDOf(int32(binary.BigEndian.Uint32(x[:])))
}

// pathFrom derives a valid index path from fuzz input: each unsigned varint in b, masked to
// 31 bits, up to 128 of them.
func pathFrom(b []byte) []int {
	var path []int
	for len(b) > 0 && len(path) < maxIndexes {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			break
		}
		path, b = append(path, int(v&math.MaxInt32)), b[n:]
	}
	return path
}

// checkDecodeWithoutIndexes checks that the path that skips the Protobuf indexes (what typed
// deserializers use) accepts and rejects exactly what Decode does, with the same id and body.
func checkDecodeWithoutIndexes(t *testing.T, payload []byte, headers []Header, isKey, protobuf bool) {
	id, _, body, err := Decode(payload, headers, isKey, protobuf)
	id2, indexes, body2, err2 := decode(payload, headers, isKey, protobuf, false)
	if (err == nil) != (err2 == nil) || id != id2 || !bytes.Equal(body, body2) || indexes != nil {
		t.Fatalf("without indexes: %v %x %v %v; with: %v %x %v", id2, body2, indexes, err2, id, body, err)
	}
}
