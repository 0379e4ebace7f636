package serde

import "encoding/binary"

// Magic bytes: the first byte of a prefixed payload or of a schema-id header value says what
// follows it.
const (
	MagicID   byte = 0x00 // a 4-byte big-endian schema id follows
	MagicGUID byte = 0x01 // a 16-byte schema GUID follows
)

// Record header names that carry a schema id instead of the payload prefix (Confluent's
// HeaderSchemaIdSerializer, Platform 8.0+).
const (
	KeyHeader   = "__key_schema_id"
	ValueHeader = "__value_schema_id"
)

// Sizes of the two prefixes: the magic byte and the id or GUID after it.
const (
	idPrefixLen   = 1 + 4
	guidPrefixLen = 1 + 16
)

// Header is one Kafka record header. serde has its own type so that it does not depend on a
// Kafka client; converting from franz-go's kgo.RecordHeader or confluent-kafka-go's
// kafka.Header is a field-by-field copy.
type Header struct {
	Key   string
	Value []byte
}

// AppendPrefix appends the payload prefix for id to dst and returns the extended buffer:
// [MagicID] and the id as a 4-byte big-endian int32, or [MagicGUID] and the 16 GUID bytes. It
// allocates only when dst lacks the 5 or 17 bytes of capacity it needs.
func AppendPrefix(dst []byte, id SchemaID) []byte {
	if id.IsGUID {
		dst = append(dst, MagicGUID)
		return append(dst, id.GUID[:]...)
	}
	return binary.BigEndian.AppendUint32(append(dst, MagicID), uint32(id.ID))
}

// prefixLen is the length of id's prefix.
func prefixLen(id SchemaID) int {
	if id.IsGUID {
		return guidPrefixLen
	}
	return idPrefixLen
}

// DecodePrefix reads the schema id at the start of b, in either format, and returns it with the
// bytes after it (a sub-slice of b, not a copy). For Protobuf the message indexes come next:
// pass the rest to [DecodeIndexes]. It does not allocate unless it fails, with a [*WireError].
func DecodePrefix(b []byte) (id SchemaID, rest []byte, err error) {
	n, err := checkPrefix(b, wherePayload)
	if err != nil {
		return SchemaID{}, nil, err
	}
	id.readPrefix(b)
	rest = b[n:]
	return
}

// checkPrefix checks that b starts with a magic byte and the whole id after it, and returns
// the prefix's length; where names b in errors. The id itself is read by readPrefix, straight
// into the caller's result.
func checkPrefix(b []byte, where string) (int, error) {
	if len(b) == 0 {
		return 0, errTooShort(where, 0, idPrefixLen, 0)
	}
	need := idPrefixLen
	switch b[0] {
	case MagicID:
	case MagicGUID:
		need = guidPrefixLen
	default:
		return 0, errUnknownMagic(where, b[0])
	}
	if len(b) < need {
		return 0, errTooShort(where, len(b), need, b[0])
	}
	return need, nil
}

// readPrefix sets s, which must be zero, to the id in the prefix at the start of b, which
// checkPrefix accepted. It writes s's fields in place: SchemaID holds an array, so the compiler keeps it in memory, and
// building a temporary and copying it costs more than the decoding.
func (s *SchemaID) readPrefix(b []byte) {
	if b[0] == MagicGUID {
		s.GUID, s.IsGUID = [16]byte(b[1:guidPrefixLen]), true
		return
	}
	s.ID = int32(binary.BigEndian.Uint32(b[1:idPrefixLen]))
}
