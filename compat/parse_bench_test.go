package compat

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkParseStored parses schemas as a reader of `_schemas` checks stored ones (leniently,
// no references), one of each type in the shape `accord bench --scale` writes: an id and five
// optional string fields. It is what a Kafka reader that parses (--kafka-schema-check parse)
// pays per schema record, and so what a startup without a snapshot costs per schema.
func BenchmarkParseStored(b *testing.B) { benchParse(b, ParseOptions{}) }

// BenchmarkParseNew parses the same shapes as a registration parses its schema: strictly,
// validating names and defaults.
func BenchmarkParseNew(b *testing.B) { benchParse(b, ParseOptions{New: true}) }

func benchParse(b *testing.B, opts ParseOptions) {
	for _, typ := range []SchemaType{TypeAvro, TypeJSON, TypeProtobuf} {
		b.Run(string(typ), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++ // a new text each time, as a topic's records are
				if _, err := Parse(typ, storedShape(typ, i, 5), nil, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// storedShape is a schema of type typ, named after i, with an id and fields optional strings.
func storedShape(typ SchemaType, i, fields int) string {
	var s strings.Builder
	switch typ {
	case TypeAvro:
		fmt.Fprintf(&s, `{"type":"record","name":"R","namespace":"bench.s%d","fields":[{"name":"id","type":"long"}`, i)
		for f := range fields {
			fmt.Fprintf(&s, `,{"name":"f%d","type":["null","string"],"default":null}`, f)
		}
		s.WriteString("]}")
	case TypeJSON:
		fmt.Fprintf(&s, `{"type":"object","title":"bench-%d","additionalProperties":false,"properties":{"id":{"type":"integer"}`, i)
		for f := range fields {
			fmt.Fprintf(&s, `,"f%d":{"type":"string"}`, f)
		}
		s.WriteString("}}")
	case TypeProtobuf:
		fmt.Fprintf(&s, "syntax = \"proto3\";\npackage bench.s%d;\n\nmessage M {\n  int64 id = 1;\n", i)
		for f := range fields {
			fmt.Fprintf(&s, "  string f%d = %d;\n", f, f+2)
		}
		s.WriteString("}\n")
	}
	return s.String()
}
