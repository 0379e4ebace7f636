package store

import (
	"context"
	"slices"
	"sync"
)

// Group commit on a shared log.
//
// One Kafka transaction costs a Produce, an EndTxn and a read-back of the commit, a few
// milliseconds whatever it holds; deciding a registration costs far less. Writes on a shared
// log therefore queue, and whoever holds the writer lock takes the queue's head as a group:
// it decides the group's writes one after the other, in queue order, commits all their
// records in one transaction, waits until the reader has applied them, and answers each
// write. Writes that arrive meanwhile form the next group. Every acknowledgement still means
// that the write's own records were committed and applied (checkApplied); a group whose
// transaction fails answers every write in it with the failure, and since the transaction is
// aborted, or never committed, none of its records is visible anywhere.
//
// Later writes of a group must be decided against the state including the earlier ones,
// which no record read back shows yet. Two ways were weighed. Applying each decided write to
// the state (or to an overlay of it) while the group is pending would group any writes, but
// every read would have to wait for the group or see a separate committed view, and a failed
// group would need the state rebuilt from the log; an overlay would need every lookup of the
// state to consult it. Accord instead groups only writes whose decisions cannot depend on one
// another (footprint.go): a registration declares the subject it writes and the subjects its
// references read, and joins the group only when no earlier write of the group touches
// them. What independent registrations still share, the context's id sequence and its
// content → id map, is carried by the group (pendingGroup): later writes allocate after the
// group's ids and reuse the group's id for the same content. Every other write (config,
// mode, deletions, imports, the DEK Registry, exporters, associations) is exclusive and
// forms a group of its own, so a registration queued behind a config change is decided
// after the config change was committed and applied, and the other way round.
//
// The state is never changed by the writer: reads serve only what the reader applied, which
// was committed, exactly as before.

// maxGroupWrites bounds the writes of one group, and maxGroupBytes the size of its records:
// one transaction stays well under the broker's default message.max.bytes, so one large
// schema (it is allowed up to the request limit) cannot make the whole group fail; a write
// larger than the bound forms a group of its own.
const (
	maxGroupWrites = 64
	maxGroupBytes  = 512 << 10
)

// queuedWrite is one write waiting for, or taken into, a group.
type queuedWrite struct {
	ctx  context.Context
	fp   footprint
	fn   func(st *state, g *pendingGroup) ([]Record, error)
	done chan error // buffered: the group never waits for the writer
	// taken is set under the queue's lock when a group takes the write.
	taken bool
	// recs are the write's records within the group's, whose offsets Append sets.
	recs []Record
}

// groupQueue holds the writes on a shared log that no group has taken yet.
type groupQueue struct {
	mu      sync.Mutex
	waiting []*queuedWrite
	pushed  int // the writes ever queued
}

func (q *groupQueue) push(w *queuedWrite) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.waiting = append(q.waiting, w)
	q.pushed++
}

// remove takes w out of the queue unless a group has taken it; it reports whether it did.
func (q *groupQueue) remove(w *queuedWrite) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if w.taken {
		return false
	}
	if i := slices.Index(q.waiting, w); i >= 0 {
		q.waiting = slices.Delete(q.waiting, i, i+1)
	}
	return true
}

// isTaken reports whether a group has taken w.
func (q *groupQueue) isTaken(w *queuedWrite) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return w.taken
}

// take returns the longest head of the queue whose writes are independent (see
// groupFootprint.admits), at most maxGroupWrites, and at least one write when any waits.
// With prev, the footprint of the group in flight, it also reports whether every write of the
// group is independent of that one, so the group may be decided before prev is read back;
// the group then holds only such writes.
func (q *groupQueue) take(prev *groupFootprint) (group []*queuedWrite, overlaps bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var fp groupFootprint
	overlaps = prev != nil
	n := 0
	for n < len(q.waiting) && n < maxGroupWrites {
		w := q.waiting[n]
		independent := prev == nil || prev.admits(w.fp)
		if n == 0 {
			overlaps = overlaps && independent
		} else if !fp.admits(w.fp) || overlaps && !independent {
			break
		}
		fp.add(w.fp)
		w.taken = true
		n++
		if w.fp.exclusive {
			break
		}
	}
	group = slices.Clone(q.waiting[:n])
	q.waiting = slices.Delete(q.waiting, 0, n)
	return group, overlaps
}

// putBack returns writes a group took but did not decide to the head of the queue, in order.
func (q *groupQueue) putBack(ws []*queuedWrite) {
	if len(ws) == 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, w := range ws {
		w.taken = false
	}
	q.waiting = slices.Concat(ws, q.waiting)
}

// flightGroup is a group whose transaction committed and whose records the reader has not
// necessarily applied yet: the next group may be decided meanwhile, from writes independent
// of it, seeing its ids through pending.
type flightGroup struct {
	last    int64 // the offset of its last record
	fp      groupFootprint
	pending *pendingGroup // read-only once the group is in flight
}

func (f *flightGroup) footprint() *groupFootprint {
	if f == nil {
		return nil
	}
	return &f.fp
}

// flightSlot holds the group in flight; its leader clears it once the group was read back.
type flightSlot struct {
	mu sync.Mutex
	g  *flightGroup
}

func (s *Store) inFlight() *flightGroup {
	s.flight.mu.Lock()
	defer s.flight.mu.Unlock()
	return s.flight.g
}

func (s *Store) setInFlight(g *flightGroup) {
	s.flight.mu.Lock()
	defer s.flight.mu.Unlock()
	s.flight.g = g
}

// clearInFlight forgets g unless a later group has taken its place.
func (s *Store) clearInFlight(g *flightGroup) {
	s.flight.mu.Lock()
	defer s.flight.mu.Unlock()
	if s.flight.g == g {
		s.flight.g = nil
	}
}
