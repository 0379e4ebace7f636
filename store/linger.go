package store

import "time"

// Lingering for the writers a group just answered.
//
// With a steady set of concurrent writers, groups alternate between two halves of them: while
// group N is in flight the other writers queue and form group N+1, which starts the moment N
// is answered, before N's writers (busy receiving their answers and sending their next
// writes) are back. Each writer then waits for two transactions per write, and a group holds
// half the writers. So when a group has just been answered, the next one waits a moment for
// the writers it answered, until as many writes queue as were answered plus those already
// waiting, or GroupLinger passes, whichever comes first. A lone writer never waits: its next
// write finds the queue holding itself, as many as were answered. Writers that do not come
// back cost each group at most GroupLinger; a linger that ran out without them (writers that
// take longer to come back, as a follower's forwarded writes do: the follower first catches
// up, then answers its client, whose next write is forwarded again) makes the next
// skipLingers groups start at once, so that only one group in that many pays for the guess.

// defaultGroupLinger is a little over what a writer needs, on a busy machine, to receive its
// answer and queue its next write, and a fraction of a transaction's round trips.
const defaultGroupLinger = 2 * time.Millisecond

// skipLingers is how many groups start without lingering after a linger that ran out.
const skipLingers = 16

// lastGroup is what the next group needs to know of the group answered last.
type lastGroup struct {
	at       time.Time // when it was answered
	answered int       // how many writes it answered after their transaction
	queued   int       // how many writes were waiting then
	skip     int       // how many more groups start without lingering
}

// groupAnswered records that a group has just answered n writes after their transaction.
func (s *Store) groupAnswered(n int) {
	queued, _ := s.groups.length()
	s.last = lastGroup{at: time.Now(), answered: n, queued: queued, skip: s.last.skip}
}

// lingerForAnswered waits, before the next group is taken, for the writers the last group
// answered to queue again (see above); it returns at once when that group is not recent.
func (s *Store) lingerForAnswered() {
	last := s.last
	s.last = lastGroup{skip: max(last.skip-1, 0)}
	if s.cfg.GroupLinger < 0 || last.answered == 0 || last.skip > 0 {
		return
	}
	want := last.queued + last.answered
	deadline := last.at.Add(s.cfg.GroupLinger)
	for {
		n, pushed := s.groups.length()
		if n >= want || n >= maxGroupWrites {
			return
		}
		wait := time.Until(deadline)
		if wait <= 0 {
			s.last.skip = skipLingers
			return
		}
		timer := time.NewTimer(wait)
		select {
		case <-pushed:
		case <-timer.C:
		}
		timer.Stop()
	}
}
