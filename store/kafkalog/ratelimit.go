package kafkalog

import (
	"log/slog"
	"sync"
	"time"
)

// rateLimited logs at most one warning per interval, counting the ones it drops, so an
// unreachable broker does not flood the log.
type rateLimited struct {
	log      *slog.Logger
	interval time.Duration

	mu      sync.Mutex
	last    time.Time
	dropped int
}

func newRateLimited(log *slog.Logger, interval time.Duration) *rateLimited {
	return &rateLimited{log: log, interval: interval}
}

func (r *rateLimited) Warn(msg string, args ...any) {
	r.mu.Lock()
	now := time.Now()
	if now.Sub(r.last) < r.interval {
		r.dropped++
		r.mu.Unlock()
		return
	}
	dropped := r.dropped
	r.last, r.dropped = now, 0
	r.mu.Unlock()
	if dropped > 0 {
		args = append(args, "similar_warnings_dropped", dropped)
	}
	r.log.Warn(msg, args...)
}
