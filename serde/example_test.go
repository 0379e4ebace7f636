package serde_test

import (
	"errors"
	"fmt"

	"github.com/accord-registry/accord/serde"
)

// A producer writes the prefix and then the encoded value into one buffer, which it can reuse
// for the next record.
func ExampleAppendPrefix() {
	avroValue := []byte{0x06, 'a', 'b', 'c'} // the Avro string "abc"
	buf := make([]byte, 0, 64)
	buf = serde.AppendPrefix(buf, serde.IDOf(7))
	buf = append(buf, avroValue...)
	fmt.Printf("% x\n", buf)
	// Output: 00 00 00 00 07 06 61 62 63
}

// Protobuf records say which message of the schema they hold: here the second message nested
// in the first top-level one.
func ExampleAppendIndexes() {
	buf := serde.AppendPrefix(nil, serde.IDOf(7))
	buf = serde.AppendIndexes(buf, []int{0, 1})
	fmt.Printf("% x\n", buf)
	// Output: 00 00 00 00 07 04 00 02
}

// With Confluent Platform 8's header format the payload stays bare and the GUID travels in a
// record header.
func ExampleHeaderValue() {
	guid, err := serde.ParseGUID("b040db4b-fdae-23ea-4a07-95f3973b98c8")
	if err != nil {
		panic(err)
	}
	h := serde.Header{Key: serde.ValueHeader, Value: serde.HeaderValue(serde.GUIDOf(guid), nil, false)}
	fmt.Printf("%s: % x\n", h.Key, h.Value)
	// Output: __value_schema_id: 01 b0 40 db 4b fd ae 23 ea 4a 07 95 f3 97 3b 98 c8
}

// A consumer decodes whatever a producer wrote: the header if there is one, else the prefix.
func ExampleDecode() {
	records := []struct {
		payload []byte
		headers []serde.Header
	}{
		{payload: []byte{0x00, 0x00, 0x00, 0x00, 0x07, 0x06, 'a', 'b', 'c'}},
		{payload: []byte{0x06, 'a', 'b', 'c'}, headers: []serde.Header{{Key: serde.ValueHeader, Value: []byte{0x00, 0x00, 0x00, 0x00, 0x09}}}},
	}
	for _, r := range records {
		id, _, body, err := serde.Decode(r.payload, r.headers, false, false)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%v: % x\n", id, body)
	}
	// Output:
	// id 7: 06 61 62 63
	// id 9: 06 61 62 63
}

// A record written without a schema registry gets an error that says what it looks like.
func ExampleWireError() {
	_, _, _, err := serde.Decode([]byte(`{"name":"abc"}`), nil, false, false)
	var we *serde.WireError
	if errors.As(err, &we) {
		fmt.Printf("%s, magic %#x\n", we.Where, we.Magic)
	}
	fmt.Println(err)
	// Output:
	// payload, magic 0x7b
	// serde: payload: unknown magic byte 0x7b (is this JSON without a schema id?)
}
