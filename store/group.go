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
// another (groupfootprint.go): a registration declares the subject it writes and the subjects its
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
//
// What a decision costs delays every write behind it, so a decision parses nothing it can
// avoid: a registration parses its schema before it queues (preparse.go), and the reader
// keeps the parse of each schema it reads back (precheck.go), which the next registration
// into the subject checks compatibility against.
//
// One group is decided at a time, after the previous one was read back. Deciding the next
// group while the previous one is still being read back (seeing its ids, its writes
// independent of it, its transaction begun once the previous one is read back, since the
// broker holds back a transaction begun before the previous commit's markers are written)
// was built and measured: no faster on the 2-core machine (1,135 against 1,078
// registrations/s, three interleaved rounds of BenchmarkKafkaLeaderWritePath), because the
// next group is then taken earlier and holds fewer writes, so it was left out.

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
	// pushed is closed and replaced by every push, for a group lingering for writes.
	pushed chan struct{}
}

func (q *groupQueue) push(w *queuedWrite) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.waiting = append(q.waiting, w)
	if q.pushed != nil {
		close(q.pushed)
		q.pushed = nil
	}
}

// length returns how many writes wait, and a channel closed by the next push.
func (q *groupQueue) length() (int, <-chan struct{}) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.pushed == nil {
		q.pushed = make(chan struct{})
	}
	return len(q.waiting), q.pushed
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
func (q *groupQueue) take() []*queuedWrite {
	q.mu.Lock()
	defer q.mu.Unlock()
	var fp groupFootprint
	n := 0
	for n < len(q.waiting) && n < maxGroupWrites {
		w := q.waiting[n]
		if n > 0 && !fp.admits(w.fp) {
			break
		}
		fp.add(w.fp)
		w.taken = true
		n++
		if w.fp.exclusive {
			break
		}
	}
	group := slices.Clone(q.waiting[:n])
	q.waiting = slices.Delete(q.waiting, 0, n)
	return group
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
