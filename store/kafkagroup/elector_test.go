package kafkagroup

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// unreachableClient returns a client whose only seed broker refuses connections.
func unreachableClient(t *testing.T) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers("127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func TestNewValidates(t *testing.T) {
	cl := unreachableClient(t)
	self := Identity{Host: "h", Port: 8081, Eligible: true}
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"defaults", Config{Client: cl, Self: self}, true},
		{"no client", Config{Self: self}, false},
		{"no host", Config{Client: cl, Self: Identity{Port: 1}}, false},
		{"bad scheme", Config{Client: cl, Self: Identity{Scheme: "tcp", Host: "h", Port: 1}}, false},
		{"heartbeat not below session", Config{Client: cl, Self: self, SessionTimeout: time.Second, HeartbeatInterval: time.Second}, false},
		{"negative timeout", Config{Client: cl, Self: self, RebalanceTimeout: -time.Second}, false},
		{"timeout beyond int32 ms", Config{Client: cl, Self: self, RebalanceTimeout: 1000 * time.Hour}, false},
	}
	for _, tt := range tests {
		e, err := New(tt.cfg)
		if (err == nil) != tt.ok {
			t.Errorf("%s: New error = %v, want ok %v", tt.name, err, tt.ok)
		}
		if err == nil {
			c := e.cfg
			if c.Group != "schema-registry" || c.Self.Scheme != "http" || c.SessionTimeout != 10*time.Second ||
				c.RebalanceTimeout != 300*time.Second || c.HeartbeatInterval != 3*time.Second {
				t.Errorf("%s: defaults = %+v", tt.name, c)
			}
		}
	}
}

// TestRunOutlastsUnreachableBroker checks that Run keeps trying while Kafka is unreachable,
// refuses a second concurrent Run, knows no leader, and returns nil once its context ends.
func TestRunOutlastsUnreachableBroker(t *testing.T) {
	e, err := New(Config{Client: unreachableClient(t), Self: Identity{Host: "h", Port: 1, Eligible: true}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	waitFor(t, "Run to start", func() error {
		if !e.running.Load() {
			return context.DeadlineExceeded
		}
		return nil
	})
	if err := e.Run(ctx); err == nil {
		t.Error("second concurrent Run = nil, want an error")
	}
	select {
	case err := <-done:
		t.Fatalf("Run returned %v before its context ended", err)
	case <-time.After(300 * time.Millisecond):
	}
	if url, self := e.Leader(); url != "" || self {
		t.Errorf("Leader() = %q, %v without a cluster", url, self)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v after cancel, want nil", err)
	}
}

func TestWarnerHoldsBackRepeats(t *testing.T) {
	var buf bytes.Buffer
	w := newWarner(slog.New(slog.NewTextHandler(&buf, nil)), time.Hour)
	for range 5 {
		w.warn("heartbeat failed", "err", "x")
	}
	w.warn("other event")
	if n := strings.Count(buf.String(), "heartbeat failed"); n != 1 {
		t.Errorf("logged the repeated event %d times, want 1:\n%s", n, &buf)
	}
	w.seen["heartbeat failed"].last = time.Time{} // an hour later
	w.warn("heartbeat failed")
	if !strings.Contains(buf.String(), "suppressed=4") {
		t.Errorf("log does not count the held-back lines:\n%s", &buf)
	}
}

func TestBackoffBounds(t *testing.T) {
	b := newBackoff(100*time.Millisecond, time.Second)
	for i := range 20 {
		d := b.next()
		if d < 50*time.Millisecond || d > time.Second {
			t.Fatalf("attempt %d: delay %v outside [50ms, 1s]", i, d)
		}
	}
	b.reset()
	if d := b.next(); d > 100*time.Millisecond {
		t.Errorf("after reset: delay %v, want at most 100ms", d)
	}
}
