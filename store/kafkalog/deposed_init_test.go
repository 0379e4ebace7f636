package kafkalog_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/accord-registry/accord/store"
)

// TestProducerInitStopsWithLeadership: the transactional producer an elected instance starts
// in the background must stop trying once the instance is deposed. Every InitProducerID bumps
// the shared transactional id's epoch, so a deposed instance still retrying one would fence
// the new leader's producer and stop it writing until the next election.
func TestProducerInitStopsWithLeadership(t *testing.T) {
	cluster := newOwnCluster(t)
	l := cluster.openLog(t, "accord-deposed-init")

	// The first InitProducerID meets a transaction still ending (kgo retries that in place) and,
	// meanwhile, the election ends.
	var inits atomic.Int32
	cluster.ControlKey(int16(kmsg.InitProducerID), func(req kmsg.Request) (kmsg.Response, error, bool) {
		cluster.KeepControl()
		if inits.Add(1) > 1 {
			return nil, nil, false
		}
		l.SetLeader(false, 2)
		resp := req.ResponseKind().(*kmsg.InitProducerIDResponse)
		resp.ErrorCode = kerr.ConcurrentTransactions.Code
		return resp, nil, true
	})
	l.SetLeader(true, 1) // starts the producer in the background

	// The write barrier waits for the background start to end, and refuses.
	for inits.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := l.Barrier(ctx, true); !errors.Is(err, store.ErrNotLeader) {
		t.Fatalf("Barrier once deposed = %v, want ErrNotLeader", err)
	}
	if n := inits.Load(); n != 1 {
		t.Errorf("InitProducerID sent %d times; want 1: the start went on after the leadership ended", n)
	}
}
