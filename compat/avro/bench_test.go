package avro_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
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
	var prev []compat.Previous
	for v := range 100 {
		s, err := compat.Parse(compat.TypeAvro, avroBenchSchema(v), nil, compat.ParseOptions{})
		if err != nil {
			b.Fatal(err)
		}
		prev = append(prev, compat.Previous{Schema: s, Version: v + 1})
	}
	next, err := compat.Parse(compat.TypeAvro, avroBenchSchema(100), nil, compat.ParseOptions{New: true})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if res := compattest.Checked(next, prev, compat.CheckOptions{Level: compat.LevelFullTransitive}); !res.Compatible {
			b.Fatalf("incompatible: %v", res.Messages)
		}
	}
}
