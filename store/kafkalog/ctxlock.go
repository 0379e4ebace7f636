package kafkalog

import "context"

// ctxLock is a mutex whose wait can be abandoned: a write that cannot get the writer because
// another write is stuck on an unreachable broker fails with its own timeout instead of
// queueing for the whole outage.
type ctxLock chan struct{}

func newCtxLock() ctxLock { return make(ctxLock, 1) }

// lock takes the lock, or returns ctx's error if ctx ends first.
func (l ctxLock) lock(ctx context.Context) error {
	select {
	case l <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l ctxLock) unlock() { <-l }
