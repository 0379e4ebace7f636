package serde

import "encoding/binary"

// maxIndexes bounds the number of message indexes DecodeIndexes accepts. An index path is as
// long as the message's nesting depth in its .proto file, and real schemas nest a handful of
// levels; 128 is far beyond that, and it bounds what a hostile count can make a reader
// allocate (1 KiB).
const maxIndexes = 128

// Reasons readVarint gives for a malformed varint.
const (
	reasonTruncated  = "truncated varint"
	reasonOverflow   = "varint overflows 32 bits"
	reasonNonMinimal = "non-minimal varint (a padded encoding no writer produces)"
)

// AppendIndexes appends the Protobuf message-index array for a message's index path to dst:
// the path's length, then each index, as zig-zag varints (Kafka's ByteUtils.writeVarint, Go's
// binary.AppendVarint). The path [0], the first message in the file, and the empty path are
// written as the single byte 0x00, the shortcut every Confluent serializer uses.
//
// Paths come from descriptors, so they are not checked: a negative index, one above
// math.MaxInt32 or a path longer than 128 is written as given, and [DecodeIndexes] (like
// Confluent's readers) rejects it. AppendIndexes allocates only when dst lacks capacity.
func AppendIndexes(dst []byte, indexes []int) []byte {
	if isShortcut(indexes) {
		return append(dst, 0)
	}
	dst = binary.AppendVarint(dst, int64(len(indexes)))
	for _, i := range indexes {
		dst = binary.AppendVarint(dst, int64(i))
	}
	return dst
}

// isShortcut reports whether indexes is written as the single byte 0x00.
func isShortcut(indexes []int) bool {
	return len(indexes) == 0 || len(indexes) == 1 && indexes[0] == 0
}

// indexesLen is the length of AppendIndexes(nil, indexes).
func indexesLen(indexes []int) int {
	if isShortcut(indexes) {
		return 1
	}
	n := varintLen(int64(len(indexes)))
	for _, i := range indexes {
		n += varintLen(int64(i))
	}
	return n
}

// varintLen is the length of v as a zig-zag varint.
func varintLen(v int64) int {
	u := uint64(v)<<1 ^ uint64(v>>63)
	n := 1
	for ; u >= 0x80; u >>= 7 {
		n++
	}
	return n
}

// DecodeIndexes reads a Protobuf message-index array from the start of b and returns the index
// path with the bytes after it (a sub-slice of b).
//
// A count of 0 is the shortcut for [0]. So is the long form 02 00 (count 1, index 0), which
// Confluent's readers accept although no Confluent writer emits it; it is the one input that
// [AppendIndexes] does not give back byte for byte. The path is always a new slice the
// caller owns (one small allocation).
//
// Varints are read as Kafka's ByteUtils.readVarint reads them (32-bit zig-zag, at most 5
// bytes), and more strictly: padded encodings are rejected, so that whatever is accepted
// re-encodes to the same bytes. A negative count or index, a count above 128, or bytes that end
// early give a [*WireError].
func DecodeIndexes(b []byte) ([]int, []byte, error) {
	indexes, n, err := decodeIndexes(b, whereIndexes, true)
	if err != nil {
		return nil, nil, err
	}
	return indexes, b[n:], nil
}

// decodeIndexes reads a message-index array from b, returning the path and the number of bytes
// read; where names b in errors. Without keep it only checks the indexes and returns a nil
// path, allocating nothing.
func decodeIndexes(b []byte, where string, keep bool) ([]int, int, error) {
	count, n, reason := readVarint(b)
	switch {
	case reason != "":
		return nil, 0, errIndexes(where, "%s in the index count", reason)
	case count == 0:
		return zeroPath(keep), n, nil
	case count < 0:
		return nil, 0, errIndexes(where, "negative message index count %d", count)
	case count > maxIndexes:
		return nil, 0, errIndexes(where, "message index count %d exceeds %d", count, maxIndexes)
	case int(count) > len(b)-n:
		return nil, 0, errIndexes(where, "truncated: %d indexes announced, %d bytes left", count, len(b)-n)
	case count == 1 && b[n] == 0:
		return zeroPath(keep), n + 1, nil
	}
	var indexes []int
	if keep {
		indexes = make([]int, count)
	}
	for i := range int(count) {
		v, m, reason := readVarint(b[n:])
		if reason != "" {
			return nil, 0, errIndexes(where, "%s in index %d", reason, i)
		}
		if v < 0 {
			return nil, 0, errIndexes(where, "negative message index %d at position %d", v, i)
		}
		if keep {
			indexes[i] = int(v)
		}
		n += m
	}
	return indexes, n, nil
}

// zeroPath is the path [0], or nil when the caller does not keep the path.
func zeroPath(keep bool) []int {
	if keep {
		return []int{0}
	}
	return nil
}

// readVarint reads one zig-zag varint of at most 32 bits from the start of b, returning it and
// its length, or a reason it is malformed: it ends early, its fifth byte continues or holds
// more than the top 4 bits, or it ends in a zero byte after a continuation (padding).
func readVarint(b []byte) (int32, int, string) {
	var u uint32
	for i := 0; i < 5; i++ {
		if i == len(b) {
			return 0, 0, reasonTruncated
		}
		c := b[i]
		if c < 0x80 {
			switch {
			case i == 4 && c > 0x0f:
				return 0, 0, reasonOverflow
			case i > 0 && c == 0:
				return 0, 0, reasonNonMinimal
			}
			u |= uint32(c) << (7 * i)
			return int32(u>>1) ^ -int32(u&1), i + 1, ""
		}
		u |= uint32(c&0x7f) << (7 * i)
	}
	return 0, 0, reasonOverflow
}
