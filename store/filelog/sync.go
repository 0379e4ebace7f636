package filelog

import (
	"context"
	"fmt"
)

// Sync implements [store.Log]. Callers queue behind one flusher goroutine: each round fsyncs
// everything written before it starts, so all Sync calls that arrive during one fsync share
// the next. through must be below [Log.End]; Sync returns at once when it is already durable.
// ctx only stops the wait: an fsync in progress carries on for the other callers.
func (l *Log) Sync(ctx context.Context, through int64) error {
	l.mu.Lock()
	closed, end := l.closed, l.end
	l.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if through >= end {
		return fmt.Errorf("filelog: sync through offset %d: the log ends at %d", through, end)
	}
	for {
		changed, done, err := l.syncState(through)
		if done {
			return err
		}
		l.requestFlush()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// syncState reports whether a Sync through the given offset is done, and with what error; if
// not, it returns the channel that is closed when that may have changed. A failure after the
// offset became durable does not matter to it: those records are safe.
func (l *Log) syncState(through int64) (<-chan struct{}, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case through < l.durable:
		return nil, true, nil
	case l.err != nil:
		return nil, true, l.err
	case l.closed:
		return nil, true, ErrClosed
	}
	return l.changed, false, nil
}

// requestFlush asks the flusher for a round. Requests made while one is pending merge into it;
// that round starts after this call, so it covers every record written before it.
func (l *Log) requestFlush() {
	select {
	case l.flushReq <- struct{}{}:
	default:
	}
}

// flushLoop is the flusher goroutine: one round per request until Close stops it. Errors
// reach the Sync callers through the sticky failure.
func (l *Log) flushLoop() {
	defer close(l.stopped)
	for {
		select {
		case <-l.stop:
			return
		case <-l.flushReq:
		}
		if l.cfg.syncHook != nil {
			l.cfg.syncHook()
		}
		l.flush()
	}
}

// flush fsyncs every frame written so far, without holding l.mu during the fsync, and marks
// them durable. A failed fsync fails the log: the kernel may have dropped the dirty pages, so
// a later successful fsync would prove nothing.
func (l *Log) flush() error {
	l.mu.Lock()
	target, f, failed := l.end, l.file, l.err
	if failed != nil || target <= l.durable {
		l.mu.Unlock()
		return failed
	}
	f.acquire()
	l.mu.Unlock()

	err := l.syncFile(f.f)
	if !l.cfg.NoSync {
		l.syncs.Add(1)
	}
	f.release()

	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.failLocked(fmt.Errorf("fsync: %w", err))
		return l.err
	}
	l.advanceDurableLocked(target)
	return nil
}

// advanceDurableLocked records that every offset below target is durable and wakes waiters.
func (l *Log) advanceDurableLocked(target int64) {
	if target > l.durable {
		l.durable = target
		l.broadcastLocked()
	}
}

// failLocked makes err the log's sticky failure, unless it already failed.
func (l *Log) failLocked(err error) {
	if l.err == nil {
		l.err = fmt.Errorf("%w: %w", ErrFailed, err)
		l.broadcastLocked()
	}
}

// broadcastLocked wakes every Sync waiting for a change.
func (l *Log) broadcastLocked() {
	close(l.changed)
	l.changed = make(chan struct{})
}
