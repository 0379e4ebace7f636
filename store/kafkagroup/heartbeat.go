package kafkagroup

import (
	"context"
	"errors"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// leaveTimeout bounds the LeaveGroup sent on shutdown: if the coordinator cannot be reached,
// the others notice at the session timeout anyway, so shutdown should not wait long for it.
const leaveTimeout = 5 * time.Second

// errSessionLost means this member went a session without a successful heartbeat, so the
// coordinator may have dropped it and another member may lead.
var errSessionLost = errors.New("kafkagroup: no heartbeat within the session timeout")

// expiry is when this member must stop trusting its membership, given the send time of the
// last request the coordinator answered. The coordinator drops a silent member after its
// session timeout, or after the rebalance timeout once a rebalance has begun, and neither
// clock starts before the coordinator receives that request, never earlier than we sent it.
// A tenth is kept in reserve for OnChange to run: so the member steps down before it can be
// deposed.
func (m *member) expiry(alive time.Time) time.Time {
	d := min(m.cfg.SessionTimeout, m.cfg.RebalanceTimeout)
	return alive.Add(d - d/10)
}

// heartbeat keeps the membership of generation gen alive until the group rebalances, the
// coordinator forgets the member, the session runs out or ctx ends. Failed heartbeats are
// retried until the local expiry; none of them outlives it.
func (m *member) heartbeat(ctx context.Context, gen int32, alive time.Time) error {
	wait := m.cfg.HeartbeatInterval
	bo := newBackoff(retryMin, m.cfg.HeartbeatInterval)
	for {
		deadline := m.expiry(alive)
		if !sleep(ctx, min(wait, time.Until(deadline))) {
			return ctx.Err()
		}
		if !time.Now().Before(deadline) {
			return errSessionLost
		}
		sent := time.Now()
		err := m.beat(ctx, gen, deadline)
		switch {
		case err == nil:
			alive, wait = sent, m.cfg.HeartbeatInterval
			bo.reset()
		case rejoinAtOnce(err):
			return m.groupError(err)
		case ctx.Err() != nil:
			return ctx.Err()
		case time.Now().Before(deadline):
			m.warn.warn("heartbeat failed, retrying", "err", err)
			wait = bo.next()
		}
	}
}

// beat sends one Heartbeat, abandoned at deadline. kgo retries a moving coordinator inside
// the call, for up to its own session timeout, which is why the deadline is needed.
func (m *member) beat(ctx context.Context, gen int32, deadline time.Time) error {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	req := kmsg.NewPtrHeartbeatRequest()
	req.Group, req.Generation, req.MemberID = m.cfg.Group, gen, m.id
	resp, err := req.RequestWith(ctx, m.cfg.Client)
	if err != nil {
		return err
	}
	return kerr.ErrorForCode(resp.ErrorCode)
}

// leave sends LeaveGroup so the others rebalance at once instead of after the session
// timeout. It uses a fresh, short timeout because ctx has usually ended by now.
func (m *member) leave(ctx context.Context) {
	if m.id == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), min(leaveTimeout, m.cfg.SessionTimeout))
	defer cancel()
	req := kmsg.NewPtrLeaveGroupRequest()
	req.Group, req.MemberID = m.cfg.Group, m.id // MemberID for v0-2, Members for v3+
	lm := kmsg.NewLeaveGroupRequestMember()
	lm.MemberID, lm.Reason = m.id, kmsg.StringPtr("schema registry shutting down")
	req.Members = []kmsg.LeaveGroupRequestMember{lm}
	err := leaveResult(req.RequestWith(ctx, m.cfg.Client))
	if err != nil {
		m.log.Warn("leave group failed; the others rebalance after the session timeout", "member", m.id, "err", err)
	} else {
		m.log.Info("left group", "member", m.id)
	}
	m.id = ""
}

// leaveResult returns the error of a LeaveGroup exchange, at the top level or for the member.
func leaveResult(resp *kmsg.LeaveGroupResponse, err error) error {
	if err != nil {
		return err
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return err
	}
	for _, r := range resp.Members {
		if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
			return err
		}
	}
	return nil
}
