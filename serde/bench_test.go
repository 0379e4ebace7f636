package serde

import "testing"

// Benchmarks of the per-record paths; run with -benchmem. Each payload carries a 64-byte body
// so that the numbers include slicing it off.

func BenchmarkAppendPrefix(b *testing.B) {
	for _, c := range []struct {
		name string
		id   SchemaID
	}{{"id", IDOf(100042)}, {"guid", GUIDOf(guidA)}} {
		b.Run(c.name, func(b *testing.B) {
			buf := make([]byte, 0, 64)
			for b.Loop() {
				buf = AppendPrefix(buf[:0], c.id)
			}
		})
	}
}

func BenchmarkAppendIndexes(b *testing.B) {
	for _, c := range []struct {
		name    string
		indexes []int
	}{{"[0]", []int{0}}, {"[1,2]", []int{1, 2}}} {
		b.Run(c.name, func(b *testing.B) {
			buf := make([]byte, 0, 64)
			for b.Loop() {
				buf = AppendIndexes(buf[:0], c.indexes)
			}
		})
	}
}

// BenchmarkDecode decodes an Avro-style record: the id in the prefix, or a GUID in the value
// header behind an unrelated header.
func BenchmarkDecode(b *testing.B) {
	body := make([]byte, 64)
	prefixed := append(AppendPrefix(nil, IDOf(100042)), body...)
	headers := []Header{{Key: "traceparent", Value: []byte("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")}, {Key: ValueHeader, Value: HeaderValue(GUIDOf(guidA), nil, false)}}
	b.Run("prefix", func(b *testing.B) {
		for b.Loop() {
			if _, _, _, err := Decode(prefixed, nil, false, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("header", func(b *testing.B) {
		for b.Loop() {
			if _, _, _, err := Decode(body, headers, false, false); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecodeProtobuf decodes prefixed Protobuf records whose message is the first in its
// file ([0], the shortcut) or nested ([1,2]).
func BenchmarkDecodeProtobuf(b *testing.B) {
	body := make([]byte, 64)
	for _, c := range []struct {
		name    string
		indexes []int
	}{{"[0]", []int{0}}, {"[1,2]", []int{1, 2}}} {
		rec := append(AppendIndexes(AppendPrefix(nil, IDOf(100042)), c.indexes), body...)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, _, err := Decode(rec, nil, false, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
