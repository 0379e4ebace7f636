package store

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
)

// replayBatchSize is how many records a replay worker decodes at a time.
const replayBatchSize = 512

// replayBatch is a run of records read from the log and, once done is closed, their SCHEMA
// values decoded (nil for the other records). The records' keys and values are copies in
// bytes, which is reused for a later batch once this one is applied: apply keeps no slice of
// a record (logs reuse their buffers too), and a million records copied into fresh memory
// would make the garbage collector mark the growing state several more times.
type replayBatch struct {
	recs    []Record
	decoded []*version
	bytes   []byte
	done    chan struct{}
}

// add appends a copy of rec to the batch. Keys and values already added keep pointing into
// the old array when bytes grows, which stays alive while they do.
func (b *replayBatch) add(rec Record) {
	start := len(b.bytes)
	b.bytes = append(b.bytes, rec.Key...)
	key := b.bytes[start:len(b.bytes):len(b.bytes)]
	var value []byte
	if rec.Value != nil {
		start = len(b.bytes)
		b.bytes = append(b.bytes, rec.Value...)
		value = b.bytes[start:len(b.bytes):len(b.bytes)]
	}
	rec.Key, rec.Value = key, value
	b.recs = append(b.recs, rec)
}

// replay reads the whole log into the state. Decoding the JSON of SCHEMA values is most of a
// replay's work and needs no state, so workers decode batches in parallel while this goroutine
// applies them, in log order, as they come: at a million schemas a serial replay takes several
// times the startup budget.
func (s *Store) replay() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Sizing the indexes (zeroing some 60 MB at a million keys) overlaps the first reads
	// and decodes; nothing is applied before it is done.
	reserved := make(chan struct{})
	go func() {
		defer close(reserved)
		if l, ok := s.log.(sizedLog); ok {
			s.st.reserve(l.LiveKeys())
		}
	}()
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *replayBatch, workers)
	ordered := make(chan *replayBatch, 2*workers)
	// free holds applied batches for reuse; there are never more batches than it can hold.
	free := make(chan *replayBatch, 3*workers+2)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range jobs {
				b.decode()
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() { readErr <- s.readBatches(jobs, ordered, free) }()
	skipped := 0
	<-reserved
	for b := range ordered {
		<-b.done
		for i, rec := range b.recs {
			if err := s.st.applyPrepared(rec, b.decoded[i]); err != nil {
				skipped++
				s.logger.Warn("skipping record", "offset", rec.Offset, "err", err)
			}
		}
		select {
		case free <- b:
		default:
		}
	}
	wg.Wait()
	if err := <-readErr; err != nil {
		return fmt.Errorf("store: replay log: %w", err)
	}
	s.logger.Info("log replayed", "offset", s.st.offset, "subjects", len(s.st.subjects), "skipped", skipped)
	return nil
}

// readBatches reads the log into batches (reusing applied ones from free), hands each to the
// workers and, in order, to the applier, and closes both channels at the end.
func (s *Store) readBatches(jobs, ordered chan<- *replayBatch, free <-chan *replayBatch) error {
	defer close(ordered)
	defer close(jobs)
	next := func() *replayBatch {
		select {
		case b := <-free:
			clear(b.recs)
			clear(b.decoded)
			b.recs, b.decoded, b.bytes, b.done = b.recs[:0], b.decoded[:0], b.bytes[:0], make(chan struct{})
			return b
		default:
			return &replayBatch{done: make(chan struct{})}
		}
	}
	read := s.log.ReadFrom
	if l, ok := s.log.(borrowingLog); ok {
		read = l.ReadFromBorrowed
	}
	b := next()
	err := read(0, func(rec Record) error {
		b.add(rec)
		if len(b.recs) == replayBatchSize {
			jobs <- b
			ordered <- b
			b = next()
		}
		return nil
	})
	if len(b.recs) > 0 {
		jobs <- b
		ordered <- b
	}
	return err
}

// sizedLog is a [Log] that knows how many of its keys are live: no more versions than that
// can come out of a replay.
type sizedLog interface {
	LiveKeys() int64
}

// borrowingLog is a [Log] that can lend its records instead of copying them: the record fn
// gets is valid only until fn returns. Replay copies each record into its batch anyway.
type borrowingLog interface {
	ReadFromBorrowed(from int64, fn func(Record) error) error
}

func (b *replayBatch) decode() {
	b.decoded = slices.Grow(b.decoded[:0], len(b.recs))[:len(b.recs)]
	for i, rec := range b.recs {
		b.decoded[i] = prepareRecord(rec)
	}
	close(b.done)
}

// prepareRecord decodes rec's value when it is a SCHEMA record apply would decode, and
// returns nil otherwise (apply then does all the work, and reports what cannot be decoded).
func prepareRecord(rec Record) *version {
	if _, ok, err := decodeDekKey(rec.Key); ok || err != nil {
		return nil
	}
	k, err := decodeKey(rec.Key)
	if err != nil || k.Type != keySchema || rec.Value == nil {
		return nil
	}
	d, err := decodeSchemaRecord(k, rec)
	if err != nil {
		return nil
	}
	return d
}

// applyPrepared applies rec, whose SCHEMA value replay decoded beforehand (d nil: it did not).
func (st *state) applyPrepared(rec Record, d *version) error {
	if d == nil {
		return st.apply(rec)
	}
	st.offset = rec.Offset
	return st.applyDecodedSchema(rec, d)
}
