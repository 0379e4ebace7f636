package kafkagroup

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// member is the state of one [Elector.Run]: this instance's place in the group. It is owned
// by the Run goroutine; only [Elector.publish] crosses to other goroutines.
type member struct {
	e       *Elector
	cfg     Config
	log     *slog.Logger
	id      string // Kafka member id; "" until the coordinator hands one out
	leading bool   // the last assignment made this member leader; announced as "leader"
	warn    *warner
	bo      backoff
	shown   shown // the election result last logged
}

func newMember(e *Elector) *member {
	return &member{
		e:    e,
		cfg:  e.cfg,
		log:  e.log,
		warn: newWarner(e.log, warnInterval),
		bo:   newBackoff(retryMin, retryMax),
	}
}

// round is one generation: join, sync, publish the result, heartbeat. It returns when the
// member must rejoin or ctx ends, never with nil.
func (m *member) round(ctx context.Context) error {
	join, err := m.join(ctx)
	if err != nil {
		return err
	}
	syncSent := time.Now()
	a, err := m.sync(ctx, join)
	if err != nil {
		return err
	}
	if !time.Now().Before(m.expiry(syncSent)) {
		return errSessionLost // the coordinator may already have dropped us: do not lead
	}
	m.bo.reset()
	m.leading = a.Self
	m.report(a)
	return m.heartbeat(ctx, join.Generation, syncSent)
}

// join sends JoinGroup until the coordinator answers with a generation. A first join without a
// member id gets MEMBER_ID_REQUIRED (JoinGroup v4+, KIP-394) and is resent with the id given.
func (m *member) join(ctx context.Context) (*kmsg.JoinGroupResponse, error) {
	for {
		resp, err := m.joinRequest().RequestWith(ctx, m.cfg.Client)
		if err != nil {
			return nil, err
		}
		err = kerr.ErrorForCode(resp.ErrorCode)
		if errors.Is(err, kerr.MemberIDRequired) && m.id == "" && resp.MemberID != "" {
			m.id = resp.MemberID
			continue
		}
		if err != nil {
			return nil, m.groupError(err)
		}
		m.id = resp.MemberID
		return resp, nil
	}
}

func (m *member) joinRequest() *kmsg.JoinGroupRequest {
	req := kmsg.NewPtrJoinGroupRequest()
	req.Group = m.cfg.Group
	req.SessionTimeoutMillis = int32(m.cfg.SessionTimeout.Milliseconds())
	req.RebalanceTimeoutMillis = int32(m.cfg.RebalanceTimeout.Milliseconds())
	req.MemberID = m.id
	req.ProtocolType = protocolType
	p := kmsg.NewJoinGroupRequestProtocol()
	p.Name = protocolName
	p.Metadata = encodeIdentity(announcement{Identity: m.cfg.Self, Leader: m.leading})
	req.Protocols = []kmsg.JoinGroupRequestProtocol{p}
	return req
}

// sync sends SyncGroup, with every member's assignment if the coordinator made this member
// the Kafka group leader (which is not necessarily the registry leader), and reads the
// assignment this member receives.
func (m *member) sync(ctx context.Context, join *kmsg.JoinGroupResponse) (Assignment, error) {
	req := kmsg.NewPtrSyncGroupRequest()
	req.Group, req.Generation, req.MemberID = m.cfg.Group, join.Generation, m.id
	req.ProtocolType, req.Protocol = kmsg.StringPtr(protocolType), kmsg.StringPtr(protocolName)
	if join.LeaderID == join.MemberID {
		req.GroupAssignment = m.assign(join.Members)
	}
	resp, err := req.RequestWith(ctx, m.cfg.Client)
	if err != nil {
		return Assignment{}, err
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return Assignment{}, m.groupError(err)
	}
	a, err := decodeAssignment(resp.MemberAssignment, m.id, join.Generation)
	if err != nil {
		m.warn.warn("unreadable assignment: no leader this generation", "err", err)
	}
	return a, nil
}

// assign elects the registry leader from every member's metadata and gives each the same
// assignment.
func (m *member) assign(members []kmsg.JoinGroupResponseMember) []kmsg.SyncGroupRequestGroupAssignment {
	cands := make([]candidate, 0, len(members))
	for _, jm := range members {
		c := parseCandidate(jm.MemberID, jm.ProtocolMetadata)
		if c.err != nil {
			m.warn.warn("unreadable member metadata: member cannot lead", "member", c.memberID, "err", c.err)
		} else if err := m.e.trust.allows(c.id.Identity); c.id.Eligible && err != nil {
			m.warn.warn("member may not lead", "member", c.memberID, "err", err)
		}
		cands = append(cands, c)
	}
	b := marshal(elect(cands, m.e.trust.allows))
	m.log.Debug("assignment computed", "members", len(cands), "assignment", string(b))
	out := make([]kmsg.SyncGroupRequestGroupAssignment, 0, len(cands))
	for _, c := range cands {
		a := kmsg.NewSyncGroupRequestGroupAssignment()
		a.MemberID, a.MemberAssignment = c.memberID, b
		out = append(out, a)
	}
	return out
}

// groupError forgets the member id when the coordinator no longer knows this member, so the
// next join starts afresh, and returns err.
func (m *member) groupError(err error) error {
	if evicted(err) {
		m.id, m.leading = "", false
	}
	return err
}

// evicted reports whether err means the coordinator no longer counts this member.
func evicted(err error) bool {
	return errors.Is(err, kerr.UnknownMemberID) || errors.Is(err, kerr.IllegalGeneration) ||
		errors.Is(err, kerr.FencedInstanceID)
}

// rejoinAtOnce reports whether err is part of the normal group life cycle, after which the
// member rejoins without waiting.
func rejoinAtOnce(err error) bool {
	return errors.Is(err, kerr.RebalanceInProgress) || evicted(err)
}
