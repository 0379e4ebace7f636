package jsonschema_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
)

// jsonBenchSchema is an object of 200 properties of mixed types; version v differs from the
// others in descriptions only (compatible changes), so a check visits every version.
func jsonBenchSchema(v int) string {
	var b strings.Builder
	b.WriteString(`{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{`)
	for i := range 200 {
		if i > 0 {
			b.WriteByte(',')
		}
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, `"s%d":{"type":"string","maxLength":100,"description":"v%d"}`, i, v)
		case 1:
			fmt.Fprintf(&b, `"n%d":{"type":["integer","null"],"maximum":1000,"description":"v%d"}`, i, v)
		case 2:
			fmt.Fprintf(&b, `"o%d":{"type":"object","properties":{"a":{"type":"string"},"b":{"enum":["x","y"]}},"additionalProperties":false}`, i)
		default:
			fmt.Fprintf(&b, `"a%d":{"type":"array","items":{"oneOf":[{"type":"string"},{"type":"number"}]}}`, i)
		}
	}
	b.WriteString(`},"required":["s0","n1"]}`)
	return b.String()
}

// BenchmarkJSONSchemaCheck checks a 200-property schema against 100 versions under
// FULL_TRANSITIVE, parsed schemas reused.
func BenchmarkJSONSchemaCheck(b *testing.B) {
	var prev []compat.Previous
	for v := range 100 {
		s, err := compat.Parse(compat.TypeJSON, jsonBenchSchema(v), nil, compat.ParseOptions{})
		if err != nil {
			b.Fatal(err)
		}
		prev = append(prev, compat.Previous{Schema: s, Version: v + 1})
	}
	next, err := compat.Parse(compat.TypeJSON, jsonBenchSchema(100), nil, compat.ParseOptions{New: true})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if res := compattest.Checked(next, prev, compat.CheckOptions{Level: compat.LevelFullTransitive}); !res.Compatible {
			b.Fatalf("want compatible, got %q", res.Messages)
		}
	}
}
