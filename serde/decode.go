package serde

// Decode finds the schema of a record the way Confluent's default ("dual") deserializer does.
// It looks first for the record header that carries the id, [KeyHeader] for a key (isKey) or
// [ValueHeader] for a value; when several have that name the last one counts, as in Java. If
// there is one and its value is not empty, the id comes from it and the payload is all body,
// even when it happens to start with a byte that looks like a magic byte. Otherwise the id is
// the payload's prefix ([DecodePrefix]), in either format. An empty header value counts as no
// header: Java skips a null value, confluent-kafka-go skips an empty one, and a Go Kafka
// client may give either as nil.
//
// For Protobuf (protobuf true) Decode also reads the message indexes: from the header value
// when the id came from there, else from after the prefix (see [DecodeIndexes]). For other
// formats indexes is nil.
//
// body is the payload without any prefix, a sub-slice of payload. Decode does not allocate,
// except for the index path of a Protobuf record (one small slice the caller owns), and for
// errors, which are [*WireError] values naming the header or payload at fault.
//
// A header that is there but malformed is an error, as in Java (confluent-kafka-go falls back
// to the prefix instead), because the payload of such a record is most likely not prefixed.
// Decode is stricter than Java in two ways: a header value with bytes after the id (or after
// the indexes) is rejected rather than read in part, and padded varints are rejected.
func Decode(payload []byte, headers []Header, isKey, protobuf bool) (id SchemaID, indexes []int, body []byte, err error) {
	return decode(payload, headers, isKey, protobuf, true)
}

// decode is Decode; without keep it checks the Protobuf indexes but does not return them,
// and so never allocates.
func decode(payload []byte, headers []Header, isKey, protobuf, keep bool) (id SchemaID, indexes []int, body []byte, err error) {
	// The id is written into the zero named result in place, hence the bare returns: see
	// readPrefix.
	if v := lastHeaderValue(headers, headerName(isKey)); len(v) > 0 {
		if indexes, err = checkHeaderValue(v, isKey, protobuf, keep); err != nil {
			return SchemaID{}, nil, nil, err
		}
		id.readPrefix(v)
		body = payload
		return
	}
	n, err := checkPrefix(payload, wherePayload)
	if err != nil {
		return SchemaID{}, nil, nil, err
	}
	if protobuf {
		var m int
		if indexes, m, err = decodeIndexes(payload[n:], whereIndexes, keep); err != nil {
			return SchemaID{}, nil, nil, err
		}
		n += m
	}
	id.readPrefix(payload)
	body = payload[n:]
	return
}
