package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// SharedLog is a log that several registry instances read and one of them, the leader,
// appends to: the `_schemas` topic. Unlike the embedded [Log], the store never applies its
// own appends directly; it applies what it reads back, in log order, so every instance derives
// the same state from the same records, whoever wrote them.
type SharedLog interface {
	// Follow calls fn with every committed record from the start of the log (or from a local
	// snapshot of it) in offset order, until ctx ends. A record with a nil Key is a marker (a
	// transaction marker, say) that only advances the offset. Follow returns only when ctx
	// ends or the log fails for good.
	//
	// fn returns the offsets, in increasing order, of the records the state rejected: they
	// changed nothing, so a snapshot must leave them out (keeping the key's earlier record)
	// for records replayed from it to be trusted, marked [Record].Checked, without parsing.
	Follow(ctx context.Context, fn func([]Record) (rejected []int64)) error
	// Barrier returns the offset this instance must have applied before it answers as caught
	// up: the last committed offset of the log right now, or -1 for an empty log. With write
	// set, the caller is about to decide a write: a leader that has just been elected gets the
	// end of the log after it has fenced every earlier writer; a leader that has been writing
	// gets its own last write. Barrier fails with ErrNotLeader when write is set and this
	// instance may not write.
	Barrier(ctx context.Context, write bool) (int64, error)
	// Append commits recs to the log as one atomic unit, sets each record's Offset, and
	// returns the offset of the last. It fails with ErrNotLeader when this instance may not
	// write, including when a newer leader has fenced it.
	Append(ctx context.Context, recs []Record) (last int64, err error)
}

// ErrNotLeader is returned by a SharedLog when this instance may not write: it is not the
// leader, or a newer leader has fenced it.
var ErrNotLeader = errors.New("this instance is not the leader")

// follower runs SharedLog.Follow and wakes writers waiting for an offset.
type follower struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func (f *follower) stop() {
	f.cancel()
	<-f.done
}

// startFollowing starts the reader of the shared log, and a goroutine that marks the store
// ready once it has caught up with the log as it was at startup.
func (s *Store) startFollowing() {
	ctx, cancel := context.WithCancel(context.Background())
	s.follow = &follower{cancel: cancel, done: make(chan struct{})}
	s.writing = make(chan struct{}, 1)
	go func() {
		defer close(s.follow.done)
		if err := s.shared.Follow(ctx, s.applyFollowed); err != nil && ctx.Err() == nil {
			s.logger.Error("reading the log stopped", "err", err)
		}
	}()
	go s.becomeReady(ctx)
}

// becomeReady waits until the reader has caught up with the log, retrying while the log is
// unreachable, then marks the store ready.
func (s *Store) becomeReady(ctx context.Context) {
	start := time.Now()
	for ctx.Err() == nil {
		if err := s.catchUpFor(ctx, time.Minute); err != nil {
			s.logger.Warn("catching up with the log", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			continue
		}
		s.ready.Store(true)
		s.mu.RLock()
		s.logger.Info("log replayed", "offset", s.st.offset, "subjects", len(s.st.subjects),
			"schemas_parsed", s.st.schemasParsed, "duration", time.Since(start).Round(time.Millisecond))
		s.mu.RUnlock()
		return
	}
}

// applyFollowed applies records read from the shared log and wakes everyone waiting for an
// offset. Records at or below the applied offset (a reader restarting its fetch) are skipped.
// It returns the offsets of the records the state rejected; a rejected record changed
// nothing (every error of state.apply comes before it changes the state), so a snapshot
// without it leads to the same state.
//
// Schemas that reference nothing are parsed first, in parallel and without the lock (see
// precheck); checkSchemas and the offset change only here and in Open, so reading them
// unlocked is safe.
func (s *Store) applyFollowed(recs []Record) (rejected []int64) {
	var parsed []bool
	var n int
	if s.st.checkSchemas {
		parsed, n = precheck(recs, s.st.offset)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.schemasParsed += n
	for i, rec := range recs {
		if rec.Offset <= s.st.offset {
			continue
		}
		if rec.Key == nil {
			s.st.offset = rec.Offset
			continue
		}
		rec.Checked = rec.Checked || parsed != nil && parsed[i]
		if err := s.st.apply(rec); err != nil {
			s.logger.Warn("skipping record", "offset", rec.Offset, "err", err)
			rejected = append(rejected, rec.Offset)
			continue
		}
		if s.accepted != nil {
			s.accepted[rec.Offset] = true
		}
	}
	s.signalAdvanced()
	return rejected
}

// waitApplied blocks until the state includes offset, or ctx ends.
func (s *Store) waitApplied(ctx context.Context, offset int64) error {
	for {
		s.mu.RLock()
		reached, wake := s.st.offset >= offset, s.advanced
		s.mu.RUnlock()
		if reached {
			return nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// catchUpFor waits, at most timeout, until the state includes everything committed to the
// log when it was called.
func (s *Store) catchUpFor(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	barrier, err := s.shared.Barrier(ctx, false)
	if err != nil {
		return sharedError(err)
	}
	return sharedError(s.waitApplied(ctx, barrier))
}

// writeShared is writeLocked on a shared log: under the writer lock, catch up with the log
// (all of it, for a new leader), decide the records against the state, commit them, and wait
// until the reader has applied them, so the write is visible to the caller's next read.
//
// The write timeout covers the wait for the writer lock too: while Kafka is away, queued
// writes fail in time instead of waiting behind the one in flight.
func (s *Store) writeShared(ctx context.Context, fn func(st *state) ([]Record, error)) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.WriteTimeout)
	defer cancel()
	select {
	case s.writing <- struct{}{}:
		defer func() { <-s.writing }()
	case <-ctx.Done():
		return sharedError(ctx.Err())
	}
	barrier, err := s.shared.Barrier(ctx, true)
	if err != nil {
		return sharedError(err)
	}
	if err := s.waitApplied(ctx, barrier); err != nil {
		return sharedError(err)
	}
	s.mu.RLock()
	recs, err := fn(s.st)
	s.mu.RUnlock()
	if err != nil || len(recs) == 0 {
		return err
	}
	// Collect what the reader applies from now on (before the records exist), so that
	// checkApplied learns whether ours took effect.
	s.watchApplied()
	defer s.stopWatching()
	// Waiting to read the records back, rather than applying them at once, also waits for
	// the transaction's commit marker: a transaction begun before the marker is written
	// would be held back by the broker (add.partitions.to.txn.retry.backoff.ms, 20ms).
	last, err := s.shared.Append(ctx, recs)
	if err != nil {
		return sharedError(err)
	}
	if err := s.waitApplied(ctx, last); err != nil {
		return sharedError(err)
	}
	return s.checkApplied(recs)
}

// checkApplied fails a write whose records the reader did not all apply, although their
// offsets have been passed: the log read their transaction back aborted (a newer leader's
// producer aborted it after this one was told it committed, say), or the state rejected a
// record because another writer's record came first. Acknowledging it would answer 200 for
// a schema, id or config that no instance serves: an acknowledged write lost.
func (s *Store) checkApplied(recs []Record) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, rec := range recs {
		if !s.accepted[rec.Offset] {
			err := fmt.Errorf("the record written at offset %d was not applied when read back (its transaction aborted, or the state rejected it)", rec.Offset)
			s.logger.Warn("write not acknowledged", "err", err)
			return Wrap(CodeStoreError, err, "Error while writing to the Kafka store")
		}
	}
	return nil
}

// watchApplied starts collecting the offsets of the records the reader applies. Writes on
// a shared log are serialised (s.writing), so one collection serves them all.
func (s *Store) watchApplied() {
	s.mu.Lock()
	s.accepted = map[int64]bool{}
	s.mu.Unlock()
}

// stopWatching ends the collection of accepted offsets that writeShared started.
func (s *Store) stopWatching() {
	s.mu.Lock()
	s.accepted = nil
	s.mu.Unlock()
}

// sharedError maps a shared log's failures to Confluent's codes: 50004 when this instance
// may not write, 50002 for a timeout, 50001 for anything else.
func sharedError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNotLeader):
		return Wrap(CodeUnknownLeader, err, "Leader not known.")
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return Wrap(CodeOperationTimeout, err, "Operation timed out")
	}
	return Wrap(CodeStoreError, err, "Error while writing to the Kafka store")
}
