// Package budget bounds the work of one comparison of two schemas: a step counter with a
// limit, a bound on how deep sub-schema comparisons nest, and the request's context, looked at
// now and then. Confluent runs a compatibility check until it ends; Accord's format packages
// charge a Budget as they compare, so that a crafted pair of schemas ends with a *LimitError
// (or the context's error) instead of running for minutes or exhausting the stack.
//
// All three formats charge the same budget, so that "one step" means the same work whatever
// the format: one pair of sub-schemas compared or one change produced.
package budget

import (
	"context"
	"fmt"
)

// DefaultMaxSteps is the work one comparison of two schemas may do when no limit is given
// (compat's CheckOptions.MaxSteps is zero). A step is one pair of sub-schemas compared or one change produced, each a few
// microseconds and at most a few hundred bytes, so the default bounds a comparison to a few
// seconds and a few hundred MB. The largest comparison among the conformance corpora and the
// benchmarks takes 20,001 steps, the Protobuf fan-out test (a type reached along 2^40 paths)
// 600,000; crafted schemas (combinations with references nested deep) can ask for billions.
const DefaultMaxSteps = 1_000_000

// maxCompareDepth bounds how deep comparisons of sub-schemas may nest. Memoised pairs of
// recursive types can nest far deeper than the schemas themselves (a web of 300 recursive Avro
// records nests 230,000 pairs deep, a quarter of a GB of stack; a larger one would exceed Go's
// stack limit and end the process). Java's default stack, which Confluent runs with, overflows
// long before this depth.
const maxCompareDepth = 10_000

// budgetPollEvery is how many steps pass between two looks at the context: often enough to
// stop within a millisecond or so, rarely enough to cost nothing measurable.
const budgetPollEvery = 1024

// LimitError is a comparison that needed more steps than its budget allows (see
// DefaultMaxSteps). Confluent has no such limit: it would run until done.
type LimitError struct {
	Limit string // the limit reached, e.g. "more than 2000000 steps"
}

func (e *LimitError) Error() string {
	return "the schemas are too complex to compare: the compatibility check needs " + e.Limit
}

// Budget is the work left to one comparison: a step counter with a limit and the request's
// context, looked at every budgetPollEvery steps. Once spent it stays spent, and the
// comparison unwinds quickly, its partial result discarded. A nil budget is unlimited (the
// full change lists the conformance tests compare).
type Budget struct {
	ctx       context.Context
	max       int64
	left      int64
	untilPoll int
	depth     int
	err       error // why the budget is spent: *LimitError or the context's error
}

// New returns the budget of one comparison under ctx; maxSteps <= 0 means DefaultMaxSteps.
func New(ctx context.Context, maxSteps int64) *Budget {
	if maxSteps <= 0 {
		maxSteps = DefaultMaxSteps
	}
	return &Budget{ctx: ctx, max: maxSteps, left: maxSteps, untilPoll: budgetPollEvery}
}

// Spend charges n steps and reports whether work may go on.
func (b *Budget) Spend(n int) bool {
	if b == nil {
		return true
	}
	if b.err != nil {
		return false
	}
	b.left -= int64(n)
	if b.left < 0 {
		b.err = &LimitError{Limit: fmt.Sprintf("more than %d steps", b.max)}
		return false
	}
	b.untilPoll -= n
	if b.untilPoll <= 0 {
		b.untilPoll = budgetPollEvery
		if err := b.ctx.Err(); err != nil {
			b.err = err
			return false
		}
	}
	return true
}

// Enter charges a step one level deeper; when it reports true the caller must call Leave.
func (b *Budget) Enter() bool {
	if b == nil {
		return true
	}
	if b.depth >= maxCompareDepth {
		if b.err == nil {
			b.err = &LimitError{Limit: fmt.Sprintf("sub-schema comparisons nested more than %d deep", maxCompareDepth)}
		}
		return false
	}
	if !b.Spend(1) {
		return false
	}
	b.depth++
	return true
}

// Leave returns from the level Enter went down to.
func (b *Budget) Leave() {
	if b != nil {
		b.depth--
	}
}

// Spent is the reason work stopped, nil while the budget lasts.
func (b *Budget) Spent() error {
	if b == nil {
		return nil
	}
	return b.err
}
