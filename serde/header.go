package serde

// HeaderValue returns the value of a [KeyHeader] or [ValueHeader] record header naming id, for
// a payload written without the prefix: [MagicGUID] and the 16 GUID bytes, as Confluent's
// HeaderSchemaIdSerializer writes it, or [MagicID] and the 4-byte id. For Protobuf (protobuf
// true) the message indexes follow, as in the prefix; otherwise indexes is ignored.
//
// Confluent's serializers put only GUIDs in headers. Their readers (Java's
// DualSchemaIdDeserializer, confluent-kafka-go's DualSchemaIDDeserializer) parse the header
// value with the same routine as the payload prefix, which takes either magic byte, so an id
// header is read by Confluent Platform 8.0+ clients too. Older clients never look at headers:
// records meant for them need the prefix ([AppendPrefix]).
func HeaderValue(id SchemaID, indexes []int, protobuf bool) []byte {
	n := prefixLen(id)
	if protobuf {
		n += indexesLen(indexes)
	}
	b := AppendPrefix(make([]byte, 0, n), id)
	if protobuf {
		b = AppendIndexes(b, indexes)
	}
	return b
}

// headerName returns the header a record's key (isKey) or value takes its schema id from.
func headerName(isKey bool) string {
	if isKey {
		return KeyHeader
	}
	return ValueHeader
}

// headerWhere returns the WireError.Where names for that header and for the message indexes
// in it. (Plain strings rather than a struct: copying a struct of strings between frames costs
// more than decoding a prefix.)
func headerWhere(isKey bool) (where, indexesWhere string) {
	if isKey {
		return whereKeyHeader, whereKeyHeaderIndexes
	}
	return whereValueHeader, whereValueHeaderIndexes
}

// lastHeaderValue returns the value of the last header called name, as Java's
// Headers.lastHeader picks it, or nil when there is none.
func lastHeaderValue(headers []Header, name string) []byte {
	for i := len(headers) - 1; i >= 0; i-- {
		if headers[i].Key == name {
			return headers[i].Value
		}
	}
	return nil
}

// checkHeaderValue checks that a header value holds a prefix (see checkPrefix; readPrefix
// reads the id) and, for Protobuf, the message indexes, and nothing else; it returns the
// indexes.
func checkHeaderValue(v []byte, isKey, protobuf, keep bool) ([]int, error) {
	where, indexesWhere := headerWhere(isKey)
	n, err := checkPrefix(v, where)
	if err != nil {
		return nil, err
	}
	if !protobuf {
		if n != len(v) {
			return nil, errHeaderLength(where, len(v), n, v[0])
		}
		return nil, nil
	}
	indexes, m, err := decodeIndexes(v[n:], indexesWhere, keep)
	if err != nil {
		return nil, err
	}
	if n+m != len(v) {
		return nil, errTrailing(where, len(v)-n-m)
	}
	return indexes, nil
}
