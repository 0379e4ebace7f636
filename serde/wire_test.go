package serde

import (
	"errors"
	"fmt"
	"testing"
)

func TestWireErrorText(t *testing.T) {
	t.Parallel()
	_, _, _, err := Decode([]byte(`{"a":1}`), nil, false, false)
	const want = "serde: payload: unknown magic byte 0x7b (is this JSON without a schema id?)"
	if err == nil || err.Error() != want {
		t.Fatalf("Decode(JSON) error = %v, want %q", err, want)
	}
	var we *WireError
	if wrapped := fmt.Errorf("consume: %w", err); !errors.As(wrapped, &we) || we.Magic != '{' || we.Where != "payload" {
		t.Errorf("errors.As(wrapped %v) = %+v, want the *WireError with Magic '{'", wrapped, we)
	}
}

// TestAllocations pins the allocation counts the package doc promises for the per-record
// paths.
func TestAllocations(t *testing.T) {
	buf := make([]byte, 0, 64)
	prefixed := AppendIndexes(AppendPrefix(nil, IDOf(7)), []int{1, 2})
	avro := append(AppendPrefix(nil, IDOf(7)), "body"...)
	protoZero := append(AppendIndexes(AppendPrefix(nil, IDOf(7)), nil), "body"...)
	headers := []Header{{Key: "traceparent", Value: []byte("00")}, {Key: ValueHeader, Value: HeaderValue(GUIDOf(guidA), nil, false)}}
	for _, c := range []struct {
		name string
		want float64
		fn   func()
	}{
		{"AppendPrefix id", 0, func() { buf = AppendPrefix(buf[:0], IDOf(7)) }},
		{"AppendPrefix guid", 0, func() { buf = AppendPrefix(buf[:0], GUIDOf(guidA)) }},
		{"AppendIndexes [0]", 0, func() { buf = AppendIndexes(buf[:0], []int{0}) }},
		{"AppendIndexes [1,2]", 0, func() { buf = AppendIndexes(buf[:0], []int{1, 2}) }},
		{"DecodePrefix", 0, func() { _, _, _ = DecodePrefix(prefixed) }},
		{"DecodeIndexes [0]", 1, func() { _, _, _ = DecodeIndexes([]byte{0}) }},
		{"DecodeIndexes [1,2]", 1, func() { _, _, _ = DecodeIndexes(prefixed[5:]) }},
		{"Decode avro prefix", 0, func() { _, _, _, _ = Decode(avro, nil, false, false) }},
		{"Decode avro header", 0, func() { _, _, _, _ = Decode(avro, headers, false, false) }},
		{"Decode protobuf [0]", 1, func() { _, _, _, _ = Decode(protoZero, nil, false, true) }},
		{"Decode protobuf [1,2]", 1, func() { _, _, _, _ = Decode(prefixed, nil, false, true) }},
		{"HeaderValue", 1, func() { _ = HeaderValue(GUIDOf(guidA), []int{1, 2}, true) }},
	} {
		if got := testing.AllocsPerRun(100, c.fn); got != c.want {
			t.Errorf("%s: %v allocations, want %v", c.name, got, c.want)
		}
	}
}
