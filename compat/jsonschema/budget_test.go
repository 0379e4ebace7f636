package jsonschema_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
)

const plainLeaf = `{"type":"string","maxLength":%d}`

// TestNestedAnyOfIsCheap: the review's 650 KB schema of nested anyOf, checked against a
// variant with one leaf changed, needs few steps: identical members are matched without work
// and the matching asks only for the edges it needs.
func TestNestedAnyOfIsCheap(t *testing.T) {
	for criterion, depth := range map[string]int{"anyOf": 6, "oneOf": 5} {
		old := compattest.MustParse(t, compat.TypeJSON, compattest.NestedCombined(criterion, depth, 5, -1, plainLeaf), compat.ParseOptions{})
		next := compattest.MustParse(t, compat.TypeJSON, compattest.NestedCombined(criterion, depth, 5, 7, plainLeaf), compat.ParseOptions{})
		res, err := compat.Check(context.Background(), next, []compat.Previous{{Schema: old, Version: 1}},
			compat.CheckOptions{Level: compat.LevelFull, MaxSteps: 200_000})
		if err != nil {
			t.Fatalf("%s: Check: %v", criterion, err)
		}
		if res.Compatible || !strings.Contains(res.Messages[0], "COMBINED_TYPE_SUBSCHEMAS_CHANGED") {
			t.Errorf("%s: Check = %v %.200q", criterion, res.Compatible, res.Messages)
		}
	}
}

// TestJSONSchemaParseIsBounded: the diff model's keys repeat each sub-schema at every level
// above it, so 2 MB of text nested 120 deep once cost 5 s and 2.7 GB to parse; it is refused
// as invalid instead. A deep schema of ordinary size still parses.
func TestJSONSchemaParseIsBounded(t *testing.T) {
	deep := func(depth, leafBytes int) string {
		return strings.Repeat(`{"allOf":[`, depth) + `{"description":"` + strings.Repeat("x", leafBytes) + `"}` +
			strings.Repeat(`]}`, depth)
	}
	_, err := compat.Parse(compat.TypeJSON, deep(120, 2<<20), nil, compat.ParseOptions{New: true})
	var pe *compat.ParseError
	if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "too complex") {
		t.Errorf("2 MB nested 120 deep: %v, want a ParseError for a schema too complex", err)
	}
	if _, err := compat.Parse(compat.TypeJSON, deep(120, 1000), nil, compat.ParseOptions{New: true}); err != nil {
		t.Errorf("1 KB nested 120 deep: %v", err)
	}
}
