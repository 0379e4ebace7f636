package kafkalog_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/accord-registry/accord/store"
)

// TestKafkaGroupFailingEndTxnAcknowledgesNone: registrations that queue while a transaction
// is in flight are committed together in the next one, and when that transaction's commit
// fails (EndTxn refused), none of them is acknowledged and none becomes visible, on the
// leader or on a follower. Retried, they succeed.
func TestKafkaGroupFailingEndTxnAcknowledgesNone(t *testing.T) {
	cluster := newOwnCluster(t)
	leaderLog := cluster.openLog(t, "accord-group")
	leaderLog.SetLeader(true, 1)
	leader, follower := openStore(t, leaderLog), openStore(t, cluster.openLog(t, "accord-group"))
	mustRegister(t, leader, "warm-up", `"int"`) // the producer is initialised

	// The next commit is held until the writes below have queued behind it; the commit
	// after it is refused.
	var commits atomic.Int32
	holding, release := make(chan struct{}), make(chan struct{})
	cluster.ControlKey(int16(kmsg.EndTxn), func(req kmsg.Request) (kmsg.Response, error, bool) {
		cluster.KeepControl()
		if !req.(*kmsg.EndTxnRequest).Commit {
			return nil, nil, false
		}
		switch commits.Add(1) {
		case 1:
			close(holding)
			cluster.SleepControl(func() { <-release })
			return nil, nil, false
		case 2:
			resp := req.ResponseKind().(*kmsg.EndTxnResponse)
			resp.ErrorCode = kerr.InvalidTxnState.Code
			return resp, nil, true
		}
		return nil, nil, false
	})
	inFlight := make(chan error, 1)
	go func() { _, err := register(t, leader, "in-flight", `"long"`); inFlight <- err }()
	<-holding

	const writes = 6
	errs := make([]error, writes)
	var wg sync.WaitGroup
	for i := range writes {
		wg.Go(func() {
			_, errs[i] = register(t, leader, fmt.Sprintf("grouped-%d", i), fmt.Sprintf(`{"type":"fixed","name":"F","size":%d}`, i+1))
		})
	}
	time.Sleep(300 * time.Millisecond) // the writes queue behind the held commit
	close(release)
	if err := <-inFlight; err != nil {
		t.Fatalf("the write in flight: %v", err)
	}
	wg.Wait()
	for i, err := range errs {
		if code := errorCode(err); code != store.CodeStoreError && code != store.CodeUnknownLeader {
			t.Errorf("grouped-%d: %v; want it refused, its group's commit failed", i, err)
		}
	}
	if n := commits.Load(); n != 2 {
		t.Errorf("%d commits; want 2: the one held and one for the queued group", n)
	}
	if err := follower.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, st := range []*store.Store{leader, follower} {
		for i := range writes {
			if v, err := st.Version(context.Background(), fmt.Sprintf("grouped-%d", i), -1, false); err == nil {
				t.Errorf("grouped-%d is served (%+v) though its group failed", i, v)
			}
		}
	}
	for i := range writes {
		mustRegister(t, leader, fmt.Sprintf("grouped-%d", i), fmt.Sprintf(`{"type":"fixed","name":"F","size":%d}`, i+1))
	}
}
