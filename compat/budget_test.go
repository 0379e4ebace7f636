package compat

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// nestedCombined is the schema of the review's finding 9: combinations (criterion) nested
// depth deep with width members each, whose leaves are string schemas with distinct
// maxLength values wrapped by wrap (a format with one %d); the leaf numbered changed (-1 for
// none) has its maxLength lowered by one. Depth 6, width 5 and "anyOf" give about 650 KB.
func nestedCombined(criterion string, depth, width, changed int, wrap string) string {
	var b strings.Builder
	leaf := 0
	var walk func(d int)
	walk = func(d int) {
		if d == depth {
			n := 100000 + leaf
			if leaf == changed {
				n--
			}
			fmt.Fprintf(&b, wrap, n)
			leaf++
			return
		}
		fmt.Fprintf(&b, `{"%s":[`, criterion)
		for i := range width {
			if i > 0 {
				b.WriteByte(',')
			}
			walk(d + 1)
		}
		b.WriteString(`]}`)
	}
	walk(0)
	return b.String()
}

const plainLeaf = `{"type":"string","maxLength":%d}`

// notLeaf makes the schema not plain, so that the exhaustive comparison of member pairs runs.
const notLeaf = `{"not":{"type":"string","maxLength":%d}}`

// avroUnionWeb is n records, each with a field whose type is a union of null and k other
// records of the web.
func avroUnionWeb(n, k int, doc string) string {
	var b strings.Builder
	b.WriteString(`[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"record","name":"R%d","doc":"%s","fields":[{"name":"f","type":["null"`, i, doc)
		for j := 1; j <= k; j++ {
			fmt.Fprintf(&b, `,"R%d"`, (i*7+j*13)%n)
		}
		b.WriteString(`]}]}`)
	}
	b.WriteString(`]`)
	return b.String()
}

func parseForBudget(t testing.TB, typ SchemaType, text string) *Schema {
	t.Helper()
	s, err := Parse(typ, text, nil, ParseOptions{})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return s
}

// heavyJSONPair is a pair whose exhaustive comparison needs about 10^7 pair comparisons.
func heavyJSONPair(t *testing.T) (next *Schema, prev []Previous) {
	old := parseForBudget(t, TypeJSON, nestedCombined("anyOf", 5, 5, -1, notLeaf))
	next = parseForBudget(t, TypeJSON, nestedCombined("anyOf", 5, 5, 7, notLeaf))
	return next, []Previous{{Schema: old, Version: 1}}
}

// TestCheckStopsWhenTheContextEnds: a check far longer than its context stops soon after the
// context is cancelled or its deadline passes, with the context's error. The check runs in a
// goroutine; the test waits for that goroutine to return.
func TestCheckStopsWhenTheContextEnds(t *testing.T) {
	next, prev := heavyJSONPair(t)
	unlimited := CheckOptions{Level: LevelFull, MaxSteps: math.MaxInt64}
	cancelled, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	deadline, cancelDeadline := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancelDeadline()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want error
	}{{"cancelled", cancelled, context.Canceled}, {"deadline", deadline, context.DeadlineExceeded}} {
		done := make(chan error, 1)
		go func() {
			_, err := Check(tc.ctx, next, prev, unlimited)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, tc.want) {
				t.Errorf("%s: Check error = %v, want %v", tc.name, err, tc.want)
			}
		case <-time.After(30 * time.Second): // the whole check takes many minutes
			t.Fatalf("%s: Check still running 30 s after its context ended", tc.name)
		}
	}
}

// TestCheckBudget: crafted schemas end with a *LimitError instead of running for minutes
// (combinations with references or not) or nesting a quarter of a GB of stack (a web of
// recursive Avro records).
func TestCheckBudget(t *testing.T) {
	next, prev := heavyJSONPair(t)
	web := parseForBudget(t, TypeAvro, avroUnionWeb(300, 3, "v1"))
	web2 := parseForBudget(t, TypeAvro, avroUnionWeb(300, 3, "v2"))
	for _, tc := range []struct {
		name string
		next *Schema
		prev []Previous
	}{{"json", next, prev}, {"avro union web", web2, []Previous{{Schema: web, Version: 1}}}} {
		res, err := Check(context.Background(), tc.next, tc.prev, CheckOptions{Level: LevelFull})
		var le *LimitError
		if !errors.As(err, &le) {
			t.Errorf("%s: Check = %v, %v; want a *LimitError", tc.name, res, err)
		}
	}
}

// TestNestedAnyOfIsCheap: the review's 650 KB schema of nested anyOf, checked against a
// variant with one leaf changed, needs few steps: identical members are matched without work
// and the matching asks only for the edges it needs.
func TestNestedAnyOfIsCheap(t *testing.T) {
	for criterion, depth := range map[string]int{"anyOf": 6, "oneOf": 5} {
		old := parseForBudget(t, TypeJSON, nestedCombined(criterion, depth, 5, -1, plainLeaf))
		next := parseForBudget(t, TypeJSON, nestedCombined(criterion, depth, 5, 7, plainLeaf))
		res, err := Check(context.Background(), next, []Previous{{Schema: old, Version: 1}},
			CheckOptions{Level: LevelFull, MaxSteps: 200_000})
		if err != nil {
			t.Fatalf("%s: Check: %v", criterion, err)
		}
		if res.Compatible || !strings.Contains(res.Messages[0], "COMBINED_TYPE_SUBSCHEMAS_CHANGED") {
			t.Errorf("%s: Check = %v %.200q", criterion, res.Compatible, res.Messages)
		}
	}
}

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
		sa, sb := parseForBudget(t, TypeJSON, a), parseForBudget(t, TypeJSON, b)
		for _, policy := range []Policy{PolicyStrict, PolicyLenient} {
			var want []string
			d := newJSONDiffer(policy == PolicyLenient)
			rs, ws := sb.parsed.(*jsonschema_Schema), sa.parsed.(*jsonschema_Schema)
			for _, c := range d.diff(rs, ws) {
				if !d.kindCompatible(c.kind) {
					want = append(want, c.String())
				}
			}
			v := newJSONVerdictDiffer(policy == PolicyLenient, nil)
			var got []string
			for _, c := range v.diff(rs, ws) {
				got = append(got, c.String())
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("case %d %s: writer %s reader %s\nverdict mode: %q\nfull diff:    %q", i, policy, a, b, got, want)
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

// TestJSONSchemaParseIsBounded: the diff model's keys repeat each sub-schema at every level
// above it, so 2 MB of text nested 120 deep once cost 5 s and 2.7 GB to parse; it is refused
// as invalid instead. A deep schema of ordinary size still parses.
func TestJSONSchemaParseIsBounded(t *testing.T) {
	deep := func(depth, leafBytes int) string {
		return strings.Repeat(`{"allOf":[`, depth) + `{"description":"` + strings.Repeat("x", leafBytes) + `"}` +
			strings.Repeat(`]}`, depth)
	}
	_, err := Parse(TypeJSON, deep(120, 2<<20), nil, ParseOptions{New: true})
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "too complex") {
		t.Errorf("2 MB nested 120 deep: %v, want a ParseError for a schema too complex", err)
	}
	if _, err := Parse(TypeJSON, deep(120, 1000), nil, ParseOptions{New: true}); err != nil {
		t.Errorf("1 KB nested 120 deep: %v", err)
	}
}
