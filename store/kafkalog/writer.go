package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/accord-registry/accord/store"
)

// leadership is what the election last told the log.
type leadership struct {
	self       bool
	generation int32
	// fencedAt is the generation in which a newer producer fenced this one: the log refuses
	// to write again until it is elected in a later generation or fencedUntil passes, so a
	// deposed leader that has not yet heard of its deposition does not fence the new leader
	// in turn. (The election reports a lost membership well within the cooldown.)
	fencedAt    int32
	fencedUntil time.Time
	// stopInit cancels a producer initialisation in flight, nil when none is: a deposed
	// instance must not go on bumping the transactional id's epoch, which would fence the
	// new leader's producer.
	stopInit context.CancelFunc
}

func (ld leadership) mayWrite(now time.Time) bool {
	return ld.self && (ld.generation > ld.fencedAt || now.After(ld.fencedUntil))
}

// writerState is the leader's transactional producer and the offset its writes reached.
type writerState struct {
	cl        *kgo.Client // nil until this instance writes as leader
	lastWrite int64       // offset of the last own commit, or of the end found when initialised
	// generation is the election generation the producer was initialised in: a fencing
	// error it meets is about that term, even if a later election has already happened.
	generation int32
}

func (w *writerState) close() {
	if w.cl != nil {
		w.cl.Close()
		w.cl = nil
	}
}

// SetLeader tells the log the outcome of an election: whether this instance leads, in which
// group generation. A new leader initialises its transactional producer at once, so the
// previous leader is fenced even before the first write.
func (l *Log) SetLeader(self bool, generation int32) {
	l.lmu.Lock()
	was := l.leader.self
	l.leader.self, l.leader.generation = self, generation
	if !self && l.leader.stopInit != nil {
		l.leader.stopInit()
	}
	l.lmu.Unlock()
	if self && !was {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, err := l.Barrier(ctx, true); err != nil {
				l.log.Warn("initialising the leader's producer", "err", err)
			}
		}()
	}
	if !self && was {
		go func() {
			if l.wmu.lock(context.Background()) == nil {
				defer l.wmu.unlock()
				l.writer.close()
			}
		}()
	}
}

// stillLeading reports whether this instance may write and is in the given generation.
func (l *Log) stillLeading(generation int32) bool {
	l.lmu.Lock()
	defer l.lmu.Unlock()
	return l.leader.generation == generation && l.leader.mayWrite(time.Now())
}

func (l *Log) mayWrite() bool {
	l.lmu.Lock()
	defer l.lmu.Unlock()
	return l.leader.mayWrite(time.Now())
}

// markFenced refuses writes in the given generation (the producer's) and earlier ones.
func (l *Log) markFenced(generation int32) {
	l.lmu.Lock()
	defer l.lmu.Unlock()
	l.leader.fencedAt, l.leader.fencedUntil = generation, time.Now().Add(l.cfg.FenceCooldown)
}

// Barrier implements [store.SharedLog].
func (l *Log) Barrier(ctx context.Context, write bool) (int64, error) {
	if !write {
		return l.lastStable(ctx)
	}
	if err := l.wmu.lock(ctx); err != nil {
		return 0, err
	}
	defer l.wmu.unlock()
	if !l.mayWrite() {
		l.writer.close()
		return 0, store.ErrNotLeader
	}
	if l.writer.cl != nil {
		return l.writer.lastWrite, nil
	}
	if err := l.initWriter(ctx); err != nil {
		return 0, err
	}
	return l.writer.lastWrite, nil
}

// initWriter starts the transactional producer. Its InitProducerID bumps the epoch of the
// shared transactional id, which fences every earlier producer and aborts (or completes) any
// transaction one left open; only then is the end of the log read, so it includes everything
// any earlier leader managed to commit.
//
// The initialisation ends as soon as the instance is deposed (SetLeader cancels it), and a
// producer that an ended term initialised is closed rather than kept.
func (l *Log) initWriter(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	l.lmu.Lock()
	generation, still := l.leader.generation, l.leader.mayWrite(time.Now())
	if still {
		l.leader.stopInit = cancel
	}
	l.lmu.Unlock()
	if !still {
		return store.ErrNotLeader
	}
	defer func() {
		l.lmu.Lock()
		l.leader.stopInit = nil
		l.lmu.Unlock()
	}()
	cl, err := kgo.NewClient(l.cfg.clientOpts(
		kgo.TransactionalID(l.cfg.TransactionalID),
		kgo.DefaultProduceTopic(l.cfg.Topic),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerLinger(0),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		// Commits follow their records at once; a transaction open longer was abandoned by a
		// producer that lost the broker, and the broker aborts it after this long.
		kgo.TransactionTimeout(30*time.Second),
		// A transaction begun right after the previous commit meets CONCURRENT_TRANSACTIONS
		// until the broker has written the markers, which takes a millisecond or two; kgo's
		// default backoff would turn that into a 100ms pause per write.
		kgo.RetryBackoffFn(quickBackoff),
	)...)
	if err != nil {
		return fmt.Errorf("kafka producer: %w", err)
	}
	if _, _, err := cl.ProducerID(ctx); err != nil {
		cl.Close()
		if !l.stillLeading(generation) {
			return fmt.Errorf("%w: deposed while initialising the producer", store.ErrNotLeader)
		}
		return l.writeError(generation, fmt.Errorf("initialise the transactional producer: %w", err))
	}
	end, err := l.lastStable(ctx)
	if err != nil {
		cl.Close()
		return err
	}
	if !l.stillLeading(generation) {
		cl.Close()
		return store.ErrNotLeader
	}
	l.writer = writerState{cl: cl, lastWrite: end, generation: generation}
	l.log.Info("writing as leader", "transactional_id", l.cfg.TransactionalID, "end_offset", end)
	return nil
}

// lastStable returns the offset of the last committed record or marker, -1 for an empty log.
func (l *Log) lastStable(ctx context.Context) (int64, error) {
	offsets, err := l.admin.ListCommittedOffsets(ctx, l.cfg.Topic)
	if err != nil {
		return 0, fmt.Errorf("list offsets of %s: %w", l.cfg.Topic, err)
	}
	o, ok := offsets.Lookup(l.cfg.Topic, 0)
	if !ok {
		return 0, fmt.Errorf("list offsets of %s: no partition 0", l.cfg.Topic)
	}
	if o.Err != nil {
		return 0, fmt.Errorf("list offsets of %s: %w", l.cfg.Topic, o.Err)
	}
	return o.Offset - 1, nil
}

// Append implements [store.SharedLog]: one transaction per call.
func (l *Log) Append(ctx context.Context, recs []store.Record) (int64, error) {
	if err := l.wmu.lock(ctx); err != nil {
		return 0, err
	}
	defer l.wmu.unlock()
	if l.writer.cl == nil || !l.mayWrite() {
		return 0, store.ErrNotLeader
	}
	if err := l.commit(ctx, recs); err != nil {
		generation := l.writer.generation
		if ctx.Err() != nil {
			l.dropWriter()
		} else {
			l.abort()
		}
		return 0, l.writeError(generation, err)
	}
	l.writer.lastWrite = recs[len(recs)-1].Offset
	return l.writer.lastWrite, nil
}

func (l *Log) commit(ctx context.Context, recs []store.Record) error {
	cl := l.writer.cl
	if err := cl.BeginTransaction(); err != nil {
		return err
	}
	krecs := make([]*kgo.Record, len(recs))
	for i, r := range recs {
		krecs[i] = &kgo.Record{Key: r.Key, Value: r.Value, Partition: 0, Timestamp: r.Timestamp}
	}
	if err := produceWithin(ctx, cl, krecs); err != nil {
		return err
	}
	if err := cl.EndTransaction(ctx, kgo.TryCommit); err != nil {
		return err
	}
	for i, kr := range krecs {
		recs[i].Offset = kr.Offset
	}
	return nil
}

// produceWithin produces krecs and waits for them, but no longer than ctx: kgo keeps waiting
// for records already sent to a broker that went away (failing them early could reorder an
// idempotent sequence), and a write must fail with a timeout rather than hang for the outage.
func produceWithin(ctx context.Context, cl *kgo.Client, krecs []*kgo.Record) error {
	done := make(chan error, 1)
	go func() { done <- cl.ProduceSync(ctx, krecs...).FirstErr() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// dropWriter abandons a producer whose write timed out with records possibly still in flight:
// it is closed in the background once kgo lets go of them, and the next write initialises a
// new producer, whose InitProducerID aborts whatever this one left open.
func (l *Log) dropWriter() {
	cl := l.writer.cl
	l.writer.cl = nil
	go func() {
		cl.Close()
		l.reinitWriter()
	}()
}

// reinitWriter initialises a new producer after one was abandoned, without waiting for the
// next write: its InitProducerID aborts the transaction the old one may have left open, which
// would otherwise hold every reader's last stable offset back until the transaction timeout.
func (l *Log) reinitWriter() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for ctx.Err() == nil && l.mayWrite() {
		if _, err := l.Barrier(ctx, true); err == nil {
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// abort drops the producer after a failed write: its transaction state is unknown, and the
// next write initialises a new one, whose InitProducerID aborts whatever this one left open.
func (l *Log) abort() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := l.writer.cl.AbortBufferedRecords(ctx); err == nil {
		_ = l.writer.cl.EndTransaction(ctx, kgo.TryAbort)
	}
	l.writer.close()
}

// writeError marks the log fenced when a newer producer took over the transactional id from
// the producer of the given generation, and reports that as ErrNotLeader.
func (l *Log) writeError(generation int32, err error) error {
	if errors.Is(err, kerr.ProducerFenced) || errors.Is(err, kerr.InvalidProducerEpoch) {
		l.markFenced(generation)
		l.log.Warn("fenced by a newer leader; not writing until elected again", "err", err)
		return fmt.Errorf("%w: %w", store.ErrNotLeader, err)
	}
	return err
}

// quickBackoff retries after 1ms, doubling up to one second.
func quickBackoff(tries int) time.Duration {
	return min(time.Millisecond<<min(tries, 10), time.Second)
}
