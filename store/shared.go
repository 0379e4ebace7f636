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
// SCHEMA records are decoded, and schemas that reference nothing parsed, first, in parallel
// and without the lock (see precheck); checkSchemas and the offset change only here and in
// Open, so reading them unlocked is safe. A large batch (a snapshot of a million records
// arrives as one) is prechecked a chunk ahead of the chunk being applied, so that the
// workers decoding the next records and the applier run at the same time; the lock is held
// for the whole batch, so readers never see part of it.
func (s *Store) applyFollowed(recs []Record) (rejected []int64) {
	// Trusting text, a live registry still parses the records it reads, for the cache.
	ready := s.ready.Load()
	parse := s.st.checkSchemas && (!s.st.trustText || ready)
	after := s.st.offset
	check := func(chunk []Record) prepared { return precheck(chunk, after, parse, s.st.parses, ready) }
	end := min(len(recs), followChunk)
	p := check(recs[:end]) // before the lock: a live batch is one chunk, parsed unlocked
	s.mu.Lock()
	defer s.mu.Unlock()
	for start := 0; start < len(recs); {
		var next chan prepared
		nextEnd := min(len(recs), end+followChunk)
		if end < len(recs) {
			next = make(chan prepared, 1)
			go func(chunk []Record) { next <- check(chunk) }(recs[end:nextEnd])
		}
		rejected = s.applyPrechecked(recs[start:end], p, rejected)
		if next == nil {
			break
		}
		p = <-next
		start, end = end, nextEnd
	}
	s.signalAdvanced()
	return rejected
}

// followChunk is how many records of a batch applyFollowed prechecks at a time.
const followChunk = 8192

// applyPrechecked applies recs, which precheck prepared as p, and appends the offsets of the
// records the state rejected to rejected. s.mu is held.
func (s *Store) applyPrechecked(recs []Record, p prepared, rejected []int64) []int64 {
	s.st.schemasParsed += p.count
	for i, rec := range recs {
		if rec.Offset <= s.st.offset {
			s.noteReadBack(rec.Offset, readStale)
			continue
		}
		if rec.Key == nil {
			s.st.offset = rec.Offset
			s.noteReadBack(rec.Offset, readMarker)
			continue
		}
		rec.Checked = rec.Checked || p.parsed[i]
		if err := s.st.applyPrepared(rec, p.decoded[i]); err != nil {
			s.logger.Warn("skipping record", "offset", rec.Offset, "err", err)
			rejected = append(rejected, rec.Offset)
			s.noteReadBack(rec.Offset, readRejected)
			continue
		}
		s.noteReadBack(rec.Offset, readApplied)
	}
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

// writeShared is writeLocked on a shared log: the write queues, and whoever holds the writer
// lock commits the queue's head as one group (group.go): catch up with the log (all of it,
// for a new leader), decide the group's writes against the state, commit their records in
// one transaction, and wait until the reader has applied them, so each write is visible to
// its caller's next read.
//
// The write timeout covers the wait in the queue too: while Kafka is away, queued writes fail
// in time instead of waiting behind the group in flight.
func (s *Store) writeShared(ctx context.Context, fp footprint, fn func(st *state, g *pendingGroup) ([]Record, error)) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.WriteTimeout)
	defer cancel()
	w := &queuedWrite{ctx: ctx, fp: fp, fn: fn, done: make(chan error, 1)}
	s.groups.push(w)
	select {
	case err := <-w.done:
		return err
	case s.writing <- struct{}{}:
		for !s.groups.isTaken(w) {
			s.lingerForAnswered()
			s.commitGroup(s.groups.take())
		}
		<-s.writing
		select {
		case err := <-w.done:
			return err
		case <-ctx.Done():
			return sharedError(ctx.Err())
		}
	case <-ctx.Done():
		if !s.groups.remove(w) {
			select { // a group took it: its answer, if already there, is the truth
			case err := <-w.done:
				return err
			default:
			}
		}
		return sharedError(ctx.Err())
	}
}

// commitGroup decides the group's writes in order and commits the records of those that
// have any in one transaction. It answers every write of the group before it returns, except
// those it puts back in the queue for the next group.
//
// The group's deadline is the write timeout from when it starts; a write whose own deadline
// passes first answers 50002 on its own, not knowing whether its records were committed,
// as a write that times out waiting for its read-back always has.
func (s *Store) commitGroup(group []*queuedWrite) {
	if len(group) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.WriteTimeout)
	defer cancel()
	barrier, err := s.shared.Barrier(ctx, true)
	if err == nil {
		err = s.waitApplied(ctx, barrier)
	}
	if err != nil {
		answerAll(group, sharedError(err))
		return
	}
	recs, writing := s.decideGroup(group)
	if len(writing) == 0 {
		return
	}
	// Collect what the reader applies from now on (before the records exist), so that
	// checkApplied learns whether each write's records took effect.
	s.watchApplied()
	defer s.stopWatching()
	// Waiting to read the records back, rather than applying them at once, also waits for
	// the transaction's commit marker: a transaction begun before the marker is written
	// would be held back by the broker (add.partitions.to.txn.retry.backoff.ms, 20ms).
	last, err := s.shared.Append(ctx, recs)
	if err == nil {
		err = s.waitApplied(ctx, last)
	}
	if err != nil {
		answerAll(writing, sharedError(err))
		return
	}
	for _, w := range writing {
		w.done <- s.checkApplied(w.recs)
	}
	s.groupAnswered(len(writing))
}

// decideGroup decides each write of the group in order, each under the state's read lock,
// and answers at once those that fail or need no records (their answer depends on nothing
// the group commits). It returns the group's records and the writes they belong to, each
// write's records a slice of the group's. A write that would take the group's records past
// maxGroupBytes is put back in the queue, with every write after it, for the next group.
func (s *Store) decideGroup(group []*queuedWrite) ([]Record, []*queuedWrite) {
	pending := newPendingGroup()
	var all []Record
	var writing []*queuedWrite
	var starts []int
	size := 0
	for i, w := range group {
		if err := w.ctx.Err(); err != nil {
			w.done <- sharedError(err)
			continue
		}
		s.mu.RLock()
		recs, err := w.fn(s.st, pending)
		s.mu.RUnlock()
		if err != nil || len(recs) == 0 {
			pending.discard()
			w.done <- err
			continue
		}
		n := recordsSize(recs)
		if len(all) > 0 && size+n > maxGroupBytes {
			pending.discard()
			s.groups.putBack(group[i:])
			break
		}
		pending.accept()
		size += n
		starts = append(starts, len(all))
		all = append(all, recs...)
		writing = append(writing, w)
	}
	for i, w := range writing {
		end := len(all)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		w.recs = all[starts[i]:end]
	}
	return all, writing
}

func recordsSize(recs []Record) int {
	n := 0
	for _, r := range recs {
		n += len(r.Key) + len(r.Value)
	}
	return n
}

func answerAll(ws []*queuedWrite, err error) {
	for _, w := range ws {
		w.done <- err
	}
}

// checkApplied fails a write whose records the reader did not all apply, although their
// offsets have been passed: the log read their transaction back aborted (a newer leader's
// producer aborted it after this one was told it committed, say), or the state rejected a
// record because another writer's record came first. Acknowledging it would answer 200 for
// a schema, id or config that no instance serves: an acknowledged write lost.
//
// The error says what the reader did with the offset, so that a refusal can be told apart
// from a reader that never saw the record.
func (s *Store) checkApplied(recs []Record) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, rec := range recs {
		if outcome := s.readBack[rec.Offset]; outcome != readApplied {
			err := fmt.Errorf("the record written at offset %d was not applied when read back: %s; the reader is at offset %d",
				rec.Offset, outcome, s.st.offset)
			s.logger.Warn("write not acknowledged", "err", err, "read_back", s.describeReadBack())
			return Wrap(CodeStoreError, err, "Error while writing to the Kafka store")
		}
	}
	return nil
}

// watchApplied starts collecting what the reader does with each offset it delivers. Groups
// on a shared log are serialised (s.writing), so one collection serves each group.
func (s *Store) watchApplied() {
	s.mu.Lock()
	s.readBack = map[int64]readOutcome{}
	s.mu.Unlock()
}

// stopWatching ends the collection that watchApplied started.
func (s *Store) stopWatching() {
	s.mu.Lock()
	s.readBack = nil
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
