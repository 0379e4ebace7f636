package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accord-registry/accord/compat"
)

// memShared is a [SharedLog] in memory: Append commits its records followed by a commit
// marker, as a Kafka transaction does, unless the test makes it misbehave the ways a shared
// log can behind a leader's back.
type memShared struct {
	mu      sync.Mutex
	recs    []Record // what readers see, in offset order
	next    int64    // offset of the next record
	changed chan struct{}
	// before, when set, is committed by "another writer" (a deposed leader whose write was
	// already on its way) just before the next Append's records.
	before []Record
	// abortNext makes the next Append report success while readers see its transaction
	// aborted: its records are skipped and only the abort marker is read.
	abortNext bool
	// hold, when set, makes the next Append wait until it is closed (after telling held),
	// so that the writes that arrive meanwhile queue behind a transaction in flight.
	hold, held chan struct{}
	// failAt makes the Append with this number (counted from 1) fail with failErr,
	// committing nothing; abortAt makes the one with this number report success while
	// readers see its transaction aborted.
	failAt, abortAt int
	failErr         error
	// appends counts the Appends: the transactions.
	appends int
}

func newMemShared() *memShared { return &memShared{changed: make(chan struct{})} }

// add appends recs and a marker; it is called with mu held.
func (m *memShared) add(recs []Record, visible bool) {
	for i := range recs {
		recs[i].Offset = m.next
		m.next++
		if visible {
			m.recs = append(m.recs, recs[i])
		}
	}
	m.recs = append(m.recs, Record{Offset: m.next})
	m.next++
	close(m.changed)
	m.changed = make(chan struct{})
}

func (m *memShared) Follow(ctx context.Context, fn func([]Record) []int64) error {
	read := 0
	for {
		m.mu.Lock()
		recs, changed := slices.Clone(m.recs[read:]), m.changed
		read = len(m.recs)
		m.mu.Unlock()
		if len(recs) > 0 {
			fn(recs)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil
		}
	}
}

func (m *memShared) Barrier(context.Context, bool) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.next - 1, nil
}

func (m *memShared) Append(ctx context.Context, recs []Record) (int64, error) {
	m.mu.Lock()
	hold, held := m.hold, m.held
	m.hold = nil
	m.mu.Unlock()
	if hold != nil {
		close(held)
		select {
		case <-hold:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.appends++
	if m.appends == m.failAt {
		return 0, m.failErr
	}
	if m.appends == m.abortAt {
		m.abortNext = true
	}
	if m.before != nil {
		m.add(m.before, true)
		m.before = nil
	}
	m.add(recs, !m.abortNext)
	m.abortNext = false
	return recs[len(recs)-1].Offset, nil
}

func openMemShared(t *testing.T, m *memShared) *Store {
	t.Helper()
	return openMemSharedWith(t, Config{Shared: m})
}

// openMemSharedWith opens a store on cfg.Shared with a 5 s write timeout and waits until it has
// read what the log holds.
func openMemSharedWith(t *testing.T, cfg Config) *Store {
	t.Helper()
	cfg.WriteTimeout = 5 * time.Second
	s, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSharedWriteNotAppliedIsNotAcknowledged: a write on a shared log is acknowledged only
// once the reader has applied the very records it appended. Reaching their offset is not
// enough: a transaction the log reported committed may be read back aborted (its records
// skipped, only the marker read), and a record a deposed leader slipped in first may make
// the state reject ours (here it binds our new id to another schema). Either way the
// schema is not registered, and the write must fail (50001) rather than answer 200 with an
// id that no instance serves.
func TestSharedWriteNotAppliedIsNotAcknowledged(t *testing.T) {
	ctx := context.Background()
	int_ := SchemaRequest{Schema: `"int"`, Type: compat.TypeAvro, ID: -1}
	// Each case also names the cause the error must give: what the reader did with the offset.
	cases := map[string]struct {
		setup func(m *memShared)
		cause string
	}{
		"aborted": {func(m *memShared) { m.abortNext = true }, "the reader never delivered it"},
		"rejected": {func(m *memShared) {
			m.before = []Record{{
				Key:   []byte(`{"keytype":"SCHEMA","subject":"zombie","version":1,"magic":1}`),
				Value: []byte(`{"subject":"zombie","version":1,"id":1,"schema":"\"string\"","deleted":false}`),
			}}
		}, "the state rejected it"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			m := newMemShared()
			s := openMemShared(t, m)
			c.setup(m)
			got, err := s.Register(ctx, "via-0", int_, false)
			var serr *Error
			if !errors.As(err, &serr) || serr.Code != CodeStoreError {
				t.Fatalf("Register = %+v, %v; want error 50001, since via-0 was not applied", got, err)
			}
			if !strings.Contains(err.Error(), c.cause) {
				t.Errorf("Register's error %q does not name the cause %q", err, c.cause)
			}
			if _, err := s.Version(ctx, "via-0", -1, false); err == nil {
				t.Fatalf("via-0 is served though its write failed")
			}
			// The next attempt, on a log that behaves, registers the schema.
			got, err = s.Register(ctx, "via-0", int_, false)
			if err != nil {
				t.Fatalf("retry: %v", err)
			}
			v, err := s.Version(ctx, "via-0", -1, false)
			if err != nil || v.ID != got.ID || v.Text != `"int"` {
				t.Errorf("after the retry via-0 is %+v, %v; want id %d", v, err, got.ID)
			}
		})
	}
}
