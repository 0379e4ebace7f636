package kafkagroup

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// rawMember is a group member driven by hand with kmsg requests, standing in for a Confluent
// or Karapace instance: it joins with the metadata it is given, heartbeats, rejoins when told
// to, and records the assignment bytes it receives. Should the coordinator make it the Kafka
// group leader, it assigns with this package's election, which is what Confluent computes.
type rawMember struct {
	cl       *kgo.Client
	group    string
	metadata []byte

	mu         sync.Mutex
	id         string
	generation int32
	assignment []byte
}

// startRaw runs a raw member until the test ends.
func (h *harness) startRaw(metadata string) *rawMember {
	cl, _ := h.client()
	r := &rawMember{cl: cl, group: h.group, metadata: []byte(metadata)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.run(ctx)
	}()
	h.t.Cleanup(func() { cancel(); <-done })
	return r
}

// received returns the member id, generation and assignment of the last completed sync.
func (r *rawMember) received() (string, int32, []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.id, r.generation, r.assignment
}

func (r *rawMember) run(ctx context.Context) {
	id := ""
	for ctx.Err() == nil {
		var err error
		if id, err = r.round(ctx, id); errors.Is(err, kerr.UnknownMemberID) || errors.Is(err, kerr.IllegalGeneration) {
			id = ""
		}
		sleep(ctx, 10*time.Millisecond)
	}
	if id != "" {
		req := kmsg.NewPtrLeaveGroupRequest()
		req.Group, req.MemberID = r.group, id
		lm := kmsg.NewLeaveGroupRequestMember()
		lm.MemberID = id
		req.Members = append(req.Members, lm)
		lctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, _ = req.RequestWith(lctx, r.cl)
	}
}

// round joins, syncs and heartbeats until something asks for a rejoin; it returns the member
// id to rejoin with.
func (r *rawMember) round(ctx context.Context, id string) (string, error) {
	join, err := r.join(ctx, id)
	if join == nil {
		return id, err
	}
	id = join.MemberID
	req := kmsg.NewPtrSyncGroupRequest()
	req.Group, req.Generation, req.MemberID = r.group, join.Generation, id
	req.ProtocolType, req.Protocol = kmsg.StringPtr("sr"), kmsg.StringPtr("v0")
	if join.LeaderID == id {
		req.GroupAssignment = rawAssign(join.Members)
	}
	sync, err := req.RequestWith(ctx, r.cl)
	if err == nil {
		err = kerr.ErrorForCode(sync.ErrorCode)
	}
	if err != nil {
		return id, err
	}
	r.mu.Lock()
	r.id, r.generation, r.assignment = id, join.Generation, sync.MemberAssignment
	r.mu.Unlock()
	return id, r.heartbeat(ctx, id, join.Generation)
}

func (r *rawMember) join(ctx context.Context, id string) (*kmsg.JoinGroupResponse, error) {
	for {
		req := kmsg.NewPtrJoinGroupRequest()
		req.Group, req.MemberID, req.ProtocolType = r.group, id, "sr"
		req.SessionTimeoutMillis = int32(testSession.Milliseconds())
		req.RebalanceTimeoutMillis = int32(testRebalance.Milliseconds())
		p := kmsg.NewJoinGroupRequestProtocol()
		p.Name, p.Metadata = "v0", r.metadata
		req.Protocols = append(req.Protocols, p)
		resp, err := req.RequestWith(ctx, r.cl)
		if err != nil {
			return nil, err
		}
		err = kerr.ErrorForCode(resp.ErrorCode)
		if errors.Is(err, kerr.MemberIDRequired) && id == "" {
			id = resp.MemberID
			continue
		}
		if err != nil {
			return nil, err
		}
		return resp, nil
	}
}

func (r *rawMember) heartbeat(ctx context.Context, id string, gen int32) error {
	for sleep(ctx, testHeartbeat) {
		req := kmsg.NewPtrHeartbeatRequest()
		req.Group, req.Generation, req.MemberID = r.group, gen, id
		resp, err := req.RequestWith(ctx, r.cl)
		if err == nil {
			err = kerr.ErrorForCode(resp.ErrorCode)
		}
		if err != nil {
			return err
		}
	}
	return ctx.Err()
}

// rawAssign gives every member the assignment Confluent would compute.
func rawAssign(members []kmsg.JoinGroupResponseMember) []kmsg.SyncGroupRequestGroupAssignment {
	var cands []candidate
	for _, m := range members {
		cands = append(cands, parseCandidate(m.MemberID, m.ProtocolMetadata))
	}
	b := marshal(elect(cands, nil))
	var out []kmsg.SyncGroupRequestGroupAssignment
	for _, c := range cands {
		a := kmsg.NewSyncGroupRequestGroupAssignment()
		a.MemberID, a.MemberAssignment = c.memberID, b
		out = append(out, a)
	}
	return out
}

// waitRaw waits until r holds an assignment of a generation that cond accepts.
func waitRaw(t *testing.T, r *rawMember, cond func(id string, gen int32, b []byte) error) {
	t.Helper()
	waitFor(t, "the raw member's assignment", func() error {
		id, gen, b := r.received()
		if b == nil {
			return errors.New("no assignment yet")
		}
		return cond(id, gen, b)
	})
}
