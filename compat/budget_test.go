package compat_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
)

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

// heavyJSONPair is a pair whose exhaustive comparison needs about 10^7 pair comparisons.
func heavyJSONPair(t *testing.T) (next *compat.Schema, prev []compat.Previous) {
	old := compattest.MustParse(t, compat.TypeJSON, compattest.NestedCombined("anyOf", 5, 5, -1, notLeaf), compat.ParseOptions{})
	next = compattest.MustParse(t, compat.TypeJSON, compattest.NestedCombined("anyOf", 5, 5, 7, notLeaf), compat.ParseOptions{})
	return next, []compat.Previous{{Schema: old, Version: 1}}
}

// TestCheckStopsWhenTheContextEnds: a check far longer than its context stops soon after the
// context is cancelled or its deadline passes, with the context's error. The check runs in a
// goroutine; the test waits for that goroutine to return.
func TestCheckStopsWhenTheContextEnds(t *testing.T) {
	next, prev := heavyJSONPair(t)
	unlimited := compat.CheckOptions{Level: compat.LevelFull, MaxSteps: math.MaxInt64}
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
			_, err := compat.Check(tc.ctx, next, prev, unlimited)
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
	web := compattest.MustParse(t, compat.TypeAvro, avroUnionWeb(300, 3, "v1"), compat.ParseOptions{})
	web2 := compattest.MustParse(t, compat.TypeAvro, avroUnionWeb(300, 3, "v2"), compat.ParseOptions{})
	for _, tc := range []struct {
		name string
		next *compat.Schema
		prev []compat.Previous
	}{{"json", next, prev}, {"avro union web", web2, []compat.Previous{{Schema: web, Version: 1}}}} {
		res, err := compat.Check(context.Background(), tc.next, tc.prev, compat.CheckOptions{Level: compat.LevelFull})
		var le *compat.LimitError
		if !errors.As(err, &le) {
			t.Errorf("%s: Check = %v, %v; want a *LimitError", tc.name, res, err)
		}
	}
}
