package kafkagroup

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/accord-registry/accord/test/kafkatest"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Timeouts of every Kafka test. The session is short so that expiry tests are quick; kfake and
// the real broker of `make test` both allow sessions down to 500ms.
const (
	testSession   = time.Second
	testHeartbeat = 100 * time.Millisecond
	testRebalance = 3 * time.Second
	testWait      = 20 * time.Second // upper bound for any awaited condition
)

// harness is one test's cluster and group: the real broker named by KAFKA_BOOTSTRAP when set,
// else a fresh kfake cluster (see package kafkatest), and a group name unique to the run so
// that reruns against a real broker never meet groups left by earlier runs.
type harness struct {
	t     *testing.T
	seeds []string
	group string
}

func newHarness(t *testing.T) *harness {
	return &harness{t: t, seeds: kafkatest.Brokers(t), group: kafkatest.Group(t)}
}

// client returns a new Kafka client and a function that closes it once; the test's cleanup
// closes it too. Each member needs its own: the broker answers one request per connection at
// a time, so one member's parked JoinGroup would hold back another's.
func (h *harness) client() (*kgo.Client, func()) {
	h.t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(h.seeds...))
	if err != nil {
		h.t.Fatalf("kgo.NewClient: %v", err)
	}
	closeOnce := sync.OnceFunc(cl.Close)
	h.t.Cleanup(closeOnce)
	return cl, closeOnce
}

// event is one OnChange call.
type event struct {
	at time.Time
	a  Assignment
}

// node is one running elector.
type node struct {
	url         string
	e           *Elector
	closeClient func()
	cancel      context.CancelFunc
	done        chan struct{} // closed when Run has returned

	mu     sync.Mutex
	events []event
}

// start runs an elector advertising url until the test ends (or node.stop).
func (h *harness) start(url string, eligible bool) *node {
	h.t.Helper()
	return h.startWith(url, eligible, nil)
}

// startWith runs an elector advertising url that allows only peers to lead (nil: anyone).
func (h *harness) startWith(url string, eligible bool, peers []string) *node {
	h.t.Helper()
	id, err := IdentityFromURL(url, eligible)
	if err != nil {
		h.t.Fatal(err)
	}
	cl, closeClient := h.client()
	n := &node{url: url, closeClient: closeClient, done: make(chan struct{})}
	n.e, err = New(Config{
		Client: cl, Group: h.group, Self: id, PeerURLs: peers,
		SessionTimeout: testSession, RebalanceTimeout: testRebalance, HeartbeatInterval: testHeartbeat,
		Logger:   slog.New(slog.NewTextHandler(h.t.Output(), nil)).With("node", url),
		OnChange: n.record,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	go func() {
		defer close(n.done)
		if err := n.e.Run(ctx); err != nil {
			h.t.Errorf("%s: Run = %v", url, err)
		}
	}()
	h.t.Cleanup(n.stop)
	return n
}

func (n *node) record(a Assignment) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.events = append(n.events, event{at: time.Now(), a: a})
}

// history returns the OnChange calls so far.
func (n *node) history() []event {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]event(nil), n.events...)
}

// stop cancels Run and waits for it to return.
func (n *node) stop() {
	n.cancel()
	<-n.done
}

// waitFor polls cond until it returns nil, failing the test with cond's last complaint if
// that takes longer than testWait. It returns how long it waited.
func waitFor(t *testing.T, what string, cond func() error) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		err := cond()
		if err == nil {
			return time.Since(start)
		}
		if time.Since(start) > testWait {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// agreeOn returns a condition that holds when every node holds the same generation's
// assignment naming leaderURL ("" for none) with no error, and exactly the leader's own node,
// if it is among them, says Self.
func agreeOn(leaderURL string, nodes ...*node) func() error {
	return func() error {
		first := nodes[0].e.Current()
		for _, n := range nodes {
			a := n.e.Current()
			url, self := leaderOf(a)
			switch {
			case a.Generation <= 0:
				return fmt.Errorf("%s has not joined", n.url)
			case a.Generation != first.Generation || a.LeaderID != first.LeaderID:
				return fmt.Errorf("%s holds generation %d leader %q, %s holds %d %q", n.url, a.Generation, a.LeaderID, nodes[0].url, first.Generation, first.LeaderID)
			case a.Error != noError:
				return fmt.Errorf("%s: assignment error %d", n.url, a.Error)
			case url != leaderURL:
				return fmt.Errorf("%s sees leader %q, want %q", n.url, url, leaderURL)
			case self != (n.url == leaderURL):
				return fmt.Errorf("%s: self = %v", n.url, self)
			}
		}
		return nil
	}
}

// leaderOf returns a's leader URL and whether it is the holder, as [Elector.Leader] does.
func leaderOf(a Assignment) (string, bool) {
	if a.Leader == nil {
		return "", false
	}
	return a.Leader.URL(), a.Self
}
