package kafkagroup

import (
	"context"
	"errors"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
)

// Run takes part in the group until ctx ends: it joins, syncs, heartbeats and rejoins, and
// retries a failing coordinator with a bounded, jittered backoff for as long as it takes.
// When ctx ends it stops claiming leadership, sends LeaveGroup and returns nil. It returns an
// error only if Run is already running.
func (e *Elector) Run(ctx context.Context) error {
	if !e.running.CompareAndSwap(false, true) {
		return errors.New("kafkagroup: Run is already running")
	}
	defer e.running.Store(false)
	m := newMember(e)
	for ctx.Err() == nil {
		err := m.round(ctx)
		m.stepDown(err)
		if ctx.Err() != nil || !sleep(ctx, m.pause(err)) {
			break
		}
	}
	m.leave(ctx)
	return nil
}

// stepDown withdraws the current assignment before anything else happens: before a rejoin,
// because the rebalance may elect someone else (Confluent's onRevoked does the same), and
// before LeaveGroup, which lets the others elect a new leader at once.
func (m *member) stepDown(cause error) {
	if errors.Is(cause, errSessionLost) {
		m.leading = false // the coordinator may have elected someone else meanwhile
	}
	if !m.e.stepDown() {
		return
	}
	m.log.Info("leadership released", "reason", cause)
	m.shown = shown{} // so that a re-election is logged again
}

// pause logs why the round ended and returns how long to wait before the next join: nothing
// after a rebalance or an eviction, which are the group's normal life, and a growing backoff
// after anything else.
func (m *member) pause(cause error) time.Duration {
	switch {
	case errors.Is(cause, kerr.RebalanceInProgress):
		m.log.Debug("rejoining for a rebalance")
		return 0
	case evicted(cause):
		m.warn.warn("coordinator dropped this member, rejoining", "err", cause)
		return 0
	case errors.Is(cause, errSessionLost):
		m.warn.warn("no heartbeat within the session timeout, rejoining", "session_timeout", m.cfg.SessionTimeout)
	default:
		m.warn.warn("group membership failed, retrying", "err", cause)
	}
	return m.bo.next()
}

// report publishes the result of a rebalance and logs it if it differs from the last one.
func (m *member) report(a Assignment) {
	m.logResult(a)
	m.e.publish(a)
}

// shown is what the last election log line said, so that a rebalance that changes nothing
// adds nothing to the log.
type shown struct {
	logged bool
	url    string
	self   bool
	code   int
}

func (m *member) logResult(a Assignment) {
	s := shown{logged: true, self: a.Self, code: a.Error}
	if a.Leader != nil {
		s.url = a.Leader.URL()
	}
	if s == m.shown {
		return
	}
	m.shown = s
	switch {
	case a.Error == duplicateURLs:
		m.log.Warn("no leader: several members advertise the same URL; give each instance its own host name", "generation", a.Generation)
	case a.Error != noError:
		m.log.Warn("no leader: unknown assignment error", "error", a.Error, "generation", a.Generation)
	case a.Leader == nil:
		m.log.Warn("no leader: no member is eligible, the registry is read-only", "generation", a.Generation)
	default:
		m.log.Info("leader elected", "url", s.url, "self", a.Self, "generation", a.Generation)
	}
}
