package avro

import (
	"fmt"
	"strings"
	"testing"
)

// doublingDefaults is n records, each with two fields of the record before it, both
// defaulting to {}: checking a default of {} against the last one fills each missing field
// from its own default, so Schema.isValidDefault visits 2^n records for a text of n lines.
func doublingDefaults(n int) string {
	s := `{"type":"record","name":"R0","fields":[{"name":"x","type":"int","default":1}]}`
	for k := 1; k <= n; k++ {
		s = fmt.Sprintf(`{"type":"record","name":"R%d","fields":[{"name":"a","type":%s,"default":{}},{"name":"b","type":"R%d","default":{}}]}`, k, s, k-1)
	}
	return s
}

// wideUnionArrayDefault is an array of a union of `branches` records and int, whose default
// holds `elems` ints: each element is tried against every record before the int branch, so
// the check takes elems × branches steps for a text of elems + branches.
func wideUnionArrayDefault(elems, branches int) string {
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"Top","fields":[{"name":"f","type":{"type":"array","items":[`)
	for i := range branches {
		fmt.Fprintf(&b, `{"type":"record","name":"B%d","fields":[{"name":"q","type":"int"}]},`, i)
	}
	b.WriteString(`"int"]},"default":[1`)
	b.WriteString(strings.Repeat(",1", elems-1))
	b.WriteString(`]}]}`)
	return b.String()
}

// TestDefaultValidationBounded: validating the field defaults of a new schema is bounded, so
// that a small crafted text (3 KB, 900 KB) ends with a 42201 saying the schema is too complex
// instead of holding a core for minutes (hours, one level or a few hundred KB more).
func TestDefaultValidationBounded(t *testing.T) {
	for name, text := range map[string]string{
		"doubling":         doublingDefaults(27),
		"wide union array": wideUnionArrayDefault(100_000, 10_000),
	} {
		p := newAvroParser(ParseOptions{New: true})
		_, err := p.parseDocument(text)
		if err == nil || !strings.Contains(err.Error(), "Schema too complex") {
			t.Errorf("%s (%d bytes): %v; want a Schema too complex error", name, len(text), err)
		}
		if p.defaultSteps > maxDefaultSteps+1 {
			t.Errorf("%s: the default checks took %d steps; the bound is %d", name, p.defaultSteps, maxDefaultSteps)
		}
	}
	// The same shapes, smaller, are valid schemas.
	for name, text := range map[string]string{
		"doubling":         doublingDefaults(10),
		"wide union array": wideUnionArrayDefault(1000, 100),
	} {
		if _, err := Parse(text, nil, ParseOptions{New: true}); err != nil {
			t.Errorf("%s, small: %v", name, err)
		}
	}
}
