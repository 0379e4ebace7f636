package compat

import (
	"fmt"
	"strings"
	"testing"
)

// avroBenchSchema is a record of 200 fields of mixed types; version v adds v optional fields
// after them, so every version is compatible with every other and a check visits them all.
func avroBenchSchema(v int) string {
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"Bench","namespace":"accord.bench","fields":[`)
	for i := range 200 {
		if i > 0 {
			b.WriteByte(',')
		}
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, `{"name":"s%d","type":"string"}`, i)
		case 1:
			fmt.Fprintf(&b, `{"name":"n%d","type":["null","long"],"default":null}`, i)
		case 2:
			fmt.Fprintf(&b, `{"name":"e%d","type":{"type":"enum","name":"E%d","symbols":["A","B","C"]}}`, i, i)
		default:
			fmt.Fprintf(&b, `{"name":"m%d","type":{"type":"map","values":{"type":"array","items":"double"}}}`, i)
		}
	}
	for i := range v {
		fmt.Fprintf(&b, `,{"name":"x%d","type":["null","string"],"default":null}`, i)
	}
	b.WriteString(`]}`)
	return b.String()
}

// BenchmarkAvroCheck checks a 200-field schema against 100 versions under FULL_TRANSITIVE,
// parsed schemas reused, as the store does with its per-version parse cache.
func BenchmarkAvroCheck(b *testing.B) {
	var prev []Previous
	for v := range 100 {
		s, err := Parse(TypeAvro, avroBenchSchema(v), nil, ParseOptions{})
		if err != nil {
			b.Fatal(err)
		}
		prev = append(prev, Previous{Schema: s, Version: v + 1})
	}
	next, err := Parse(TypeAvro, avroBenchSchema(100), nil, ParseOptions{New: true})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if res := checked(next, prev, CheckOptions{Level: LevelFullTransitive}); !res.Compatible {
			b.Fatalf("incompatible: %v", res.Messages)
		}
	}
}
