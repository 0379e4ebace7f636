package jsonschema

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestVerdictModeAgreesWithTheFullDiff compares, over random combinations of simple schemas,
// the incompatible changes Check reports (verdict mode: lazy matching, quick edges) with those
// of the exhaustive diff (Confluent's order, every member pair compared).
func TestVerdictModeAgreesWithTheFullDiff(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 12))
	for i := range 3000 {
		a := randomCombined(rng, 3)
		b := randomCombined(rng, 3)
		if rng.IntN(2) == 0 {
			b = mutateCombined(rng, a)
		}
		writer, reader := mustParse(t, a), mustParse(t, b)
		for _, lenient := range []bool{false, true} {
			var want []string
			d := newJSONDiffer(lenient)
			for _, c := range d.diff(reader, writer) {
				if !d.kindCompatible(c.kind) {
					want = append(want, c.String())
				}
			}
			v := newJSONVerdictDiffer(lenient, nil)
			var got []string
			for _, c := range v.diff(reader, writer) {
				got = append(got, c.String())
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("case %d lenient=%v: writer %s reader %s\nverdict mode: %q\nfull diff:    %q", i, lenient, a, b, got, want)
			}
		}
	}
}

var randomLeaves = []string{
	`{"type":"string"}`, `{"type":"string","maxLength":5}`, `{"type":"string","maxLength":10}`,
	`{"type":"integer"}`, `{"type":"number"}`, `{"type":"integer","minimum":0}`, `{"type":"null"}`,
	`{"enum":["a","b"]}`, `{"enum":["a"]}`, `{"type":"object","properties":{"a":{"type":"string"}}}`,
	`{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":false}`,
	`{"not":{"type":"null"}}`, `true`, `{}`,
}

func randomCombined(rng *rand.Rand, depth int) string {
	if depth == 0 || rng.IntN(4) == 0 {
		return randomLeaves[rng.IntN(len(randomLeaves))]
	}
	crit := []string{"anyOf", "oneOf", "allOf"}[rng.IntN(3)]
	n := 1 + rng.IntN(4)
	members := make([]string, n)
	for i := range members {
		members[i] = randomCombined(rng, depth-1)
	}
	return `{"` + crit + `":[` + strings.Join(members, ",") + `]}`
}

// mutateCombined replaces one leaf of s (found by its text) with a random one.
func mutateCombined(rng *rand.Rand, s string) string {
	var hits []int
	for _, l := range randomLeaves {
		for i := 0; ; {
			j := strings.Index(s[i:], l)
			if j < 0 {
				break
			}
			hits = append(hits, i+j)
			i += j + 1
		}
	}
	if len(hits) == 0 {
		return s
	}
	at := hits[rng.IntN(len(hits))]
	for _, l := range randomLeaves {
		if strings.HasPrefix(s[at:], l) {
			return s[:at] + randomLeaves[rng.IntN(len(randomLeaves))] + s[at+len(l):]
		}
	}
	return s
}

func mustParse(t *testing.T, text string) *Schema {
	t.Helper()
	s, err := Parse(text, nil, false)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return s
}
