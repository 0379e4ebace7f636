package kafkagroup

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Retry and logging pacing. A broken coordinator is retried at most every retryMax, so a
// registry notices a recovered cluster within seconds without hammering a dead one.
const (
	retryMin     = 50 * time.Millisecond
	retryMax     = 5 * time.Second
	warnInterval = 30 * time.Second
)

// backoff is a bounded exponential delay with jitter, so that instances that failed together
// do not retry in lockstep.
type backoff struct {
	min, max, cur time.Duration
}

func newBackoff(lo, hi time.Duration) backoff {
	return backoff{min: min(lo, hi), max: hi}
}

// next returns the delay before the next attempt: the current step, jittered down by up to
// half, after which the step doubles up to max.
func (b *backoff) next() time.Duration {
	if b.cur == 0 {
		b.cur = b.min
	}
	d := b.cur/2 + rand.N(b.cur/2+1)
	b.cur = min(2*b.cur, b.max)
	return d
}

// reset starts the next failure from the shortest delay again.
func (b *backoff) reset() { b.cur = 0 }

// sleep waits d or until ctx ends, and reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// warner writes a Warn line at most once per interval for each event, and says on the next
// line how many it held back, so a broker outage yields a few lines rather than one per retry.
// It belongs to the Run goroutine and is not safe for concurrent use.
type warner struct {
	log   *slog.Logger
	every time.Duration
	seen  map[string]*warned
}

type warned struct {
	last time.Time
	held int
}

func newWarner(log *slog.Logger, every time.Duration) *warner {
	return &warner{log: log, every: every, seen: make(map[string]*warned)}
}

// warn logs event with args unless the same event was logged less than every ago.
func (w *warner) warn(event string, args ...any) {
	now := time.Now()
	s := w.seen[event]
	if s != nil && now.Sub(s.last) < w.every {
		s.held++
		return
	}
	if s != nil && s.held > 0 {
		args = append(args, "suppressed", s.held)
	}
	w.seen[event] = &warned{last: now}
	w.log.Warn(event, args...)
}
