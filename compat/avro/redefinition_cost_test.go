package avro

import (
	"fmt"
	"strings"
	"testing"
)

// nestedRecords is depth records, each defined inline in a field of the next.
func nestedRecords(depth int) string {
	s := `"int"`
	for k := range depth {
		s = fmt.Sprintf(`{"type":"record","name":"D%d","fields":[{"name":"a","type":%s},{"name":"b","type":{"type":"array","items":"string"}}]}`, k, s)
	}
	return s
}

// TestNestedRedefinitionsComparedOnce: a redefinition is compared with the first definition
// once. Copying a chain of records defined inside one another redefines each of them, the
// outer ones holding the inner redefinitions; comparing each again inside every enclosing one
// cost the square of the nesting per copy (16 MiB of copies of a chain 300 deep took seconds).
func TestNestedRedefinitionsComparedOnce(t *testing.T) {
	const depth, copies = 200, 5
	chain := nestedRecords(depth)
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"Top","fields":[`)
	for i := range copies {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"g%d","type":%s}`, i, chain)
	}
	b.WriteString(`]}`)
	p := newAvroParser(ParseOptions{New: true})
	if _, err := p.parseDocument(b.String()); err != nil {
		t.Fatal(err)
	}
	// Each redefinition compares its record, its array and the inner record's first definition.
	if limit := 4 * depth * copies; p.equalPairs > limit {
		t.Errorf("comparing the redefinitions took %d pairs of nodes; want at most %d", p.equalPairs, limit)
	}
}
