package store

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"
)

// replayBatchSize is how many records a replay worker decodes at a time.
const replayBatchSize = 512

// replayBatch is a run of records read from the log and, once done is closed, their SCHEMA
// values decoded (nil for the other records).
type replayBatch struct {
	recs    []Record
	decoded []*decodedSchema
	done    chan struct{}
}

// replay reads the whole log into the state. Decoding the JSON of SCHEMA values is most of a
// replay's work and needs no state, so workers decode batches in parallel while this goroutine
// applies them, in log order, as they come: at a million schemas a serial replay takes several
// times the startup budget.
func (s *Store) replay() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *replayBatch, workers)
	ordered := make(chan *replayBatch, 2*workers)
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
	go func() { readErr <- s.readBatches(jobs, ordered) }()
	skipped := 0
	for b := range ordered {
		<-b.done
		for i, rec := range b.recs {
			if err := s.st.applyPrepared(rec, b.decoded[i]); err != nil {
				skipped++
				s.logger.Warn("skipping record", "offset", rec.Offset, "err", err)
			}
		}
	}
	wg.Wait()
	if err := <-readErr; err != nil {
		return fmt.Errorf("store: replay log: %w", err)
	}
	s.logger.Info("log replayed", "offset", s.st.offset, "subjects", len(s.st.subjects), "skipped", skipped)
	return nil
}

// readBatches reads the log into batches, hands each to the workers and, in order, to the
// applier, and closes both channels at the end. A log may reuse a record's buffers once fn
// returns, so the batches hold copies.
func (s *Store) readBatches(jobs, ordered chan<- *replayBatch) error {
	defer close(ordered)
	defer close(jobs)
	b := &replayBatch{done: make(chan struct{})}
	send := func() {
		jobs <- b
		ordered <- b
		b = &replayBatch{done: make(chan struct{})}
	}
	err := s.log.ReadFrom(0, func(rec Record) error {
		rec.Key, rec.Value = bytes.Clone(rec.Key), bytes.Clone(rec.Value)
		b.recs = append(b.recs, rec)
		if len(b.recs) == replayBatchSize {
			send()
		}
		return nil
	})
	if len(b.recs) > 0 {
		send()
	}
	return err
}

func (b *replayBatch) decode() {
	b.decoded = make([]*decodedSchema, len(b.recs))
	for i, rec := range b.recs {
		b.decoded[i] = prepareRecord(rec)
	}
	close(b.done)
}

// prepareRecord decodes rec's value when it is a SCHEMA record apply would decode, and
// returns nil otherwise (apply then does all the work, and reports what cannot be decoded).
func prepareRecord(rec Record) *decodedSchema {
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
func (st *state) applyPrepared(rec Record, d *decodedSchema) error {
	if d == nil {
		return st.apply(rec)
	}
	st.offset = rec.Offset
	return st.applyDecodedSchema(rec, d)
}
