package test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Rolling restart test size: rollingClients register continuously while each of the three
// instances is restarted in turn; rollingSettle of traffic separates the restarts.
const (
	rollingClients  = 16
	rollingSubjects = 64
	rollingSettle   = time.Second
)

// TestKafkaRollingRestartLosesNoWrite restarts each of three instances in turn (SIGTERM, start
// again on its data directory, wait until ready), as an orchestrator's rolling update does,
// while 16 clients register new schemas continuously through all instances. Elections must be
// invisible to the clients: no registration may fail. A client treats a connection refused or
// closed (the instance it picked is down) as Confluent's clients, given several URLs, do: it
// sends the request to the next instance. Every HTTP answer but 200 is a failure. Afterwards
// every acknowledged version is served, with its id, by every instance.
func TestKafkaRollingRestartLosesNoWrite(t *testing.T) {
	skipIfShort(t)
	c := startKafkaCluster(t, 3, steadyElection)
	c.waitForLeader(t, c.nodes, 30*time.Second)
	if status, body, err := c.api(c.nodes[0]).call(context.Background(), http.MethodPut, "/config",
		map[string]string{"compatibility": "NONE"}, nil); err != nil || status != http.StatusOK {
		t.Fatalf("PUT /config: %d %s %v", status, body, err)
	}
	led := newAckLedger()
	w := &rollingWriters{t: t, c: c, led: led, failures: map[string]int{}}
	stop := make(chan struct{})
	w.start(stop)
	start := time.Now()
	restarts := c.restartEachInTurn(t, stop, func() int64 { return w.acked.Load() })
	close(stop)
	w.wg.Wait()
	t.Logf("rolling restart: %d registrations acknowledged, %d failed (%s), %d sent again to another instance after a connection failure, %v; %s",
		w.acked.Load(), w.failed.Load(), w.summary(), w.failovers.Load(), time.Since(start).Round(time.Millisecond), strings.Join(restarts, "; "))
	t.Logf("instances logged %d election outcomes and %d releases of leadership", c.countLogLines("leader elected"), c.countLogLines("leadership released"))
	if n := w.failed.Load(); n != 0 {
		t.Errorf("%d registrations failed during the rolling restart (%s), want 0", n, w.summary())
	}
	if w.acked.Load() < rollingClients {
		t.Errorf("only %d registrations acknowledged", w.acked.Load())
	}

	c.waitCaughtUp(t, time.Minute)
	versions := c.checkRegistry(t, led, false)
	if len(versions) != int(w.acked.Load()) {
		t.Errorf("the registry holds %d versions, %d were acknowledged", len(versions), w.acked.Load())
	}
}

// restartEachInTurn restarts every node in turn, each after rollingSettle of traffic and once
// the clients have had writes acknowledged since the last restart, and returns what each
// restart took. It ends the test on failure.
func (c *kafkaCluster) restartEachInTurn(t *testing.T, stop <-chan struct{}, acked func() int64) []string {
	t.Helper()
	var out []string
	for _, n := range c.nodes {
		before := acked()
		pollUntil(t, 30*time.Second, "writes acknowledged before a restart", func() bool { return acked() > before+rollingClients })
		time.Sleep(rollingSettle)
		p := n.current()
		began := time.Now()
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatalf("SIGTERM %s: %v", n.name, err)
		}
		select {
		case <-p.done:
		case <-time.After(time.Minute):
			t.Fatalf("%s still running a minute after SIGTERM", n.name)
		}
		stopped := time.Since(began)
		if err := c.restart(n); err != nil {
			t.Fatalf("restarting %s: %v", n.name, err)
		}
		out = append(out, fmt.Sprintf("%s stopped in %v (%v), ready again after %v", n.name,
			stopped.Round(time.Millisecond), p.exitErr, time.Since(began).Round(time.Millisecond)))
	}
	// Traffic after the last restart too, through the instance restarted last.
	before := acked()
	pollUntil(t, 30*time.Second, "writes acknowledged after the last restart", func() bool { return acked() > before+rollingClients })
	return out
}

// rollingWriters are the clients of TestKafkaRollingRestartLosesNoWrite: each registers new
// schemas, one at a time, through the instances in turn.
type rollingWriters struct {
	t   *testing.T
	c   *kafkaCluster
	led *ackLedger
	wg  sync.WaitGroup

	next, acked, failed, failovers atomic.Int64

	mu       sync.Mutex     // guards failures
	failures map[string]int // failed registrations by "status/error_code"
}

func (w *rollingWriters) start(stop <-chan struct{}) {
	for k := range rollingClients {
		w.wg.Go(func() {
			for turn := k; ; turn++ {
				select {
				case <-stop:
					return
				default:
				}
				w.register(turn)
			}
		})
	}
}

// register registers one new schema, starting with instance turn (mod 3) and moving on to the
// next one while the connection fails.
func (w *rollingWriters) register(turn int) {
	i := w.next.Add(1)
	subject := fmt.Sprintf("rolling-%02d", i%rollingSubjects)
	schema := fmt.Sprintf(`{"type":"record","name":"Rolling","fields":[{"name":"n%06d","type":"long"}]}`, i)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var got struct{ ID, Version int }
	for attempt := 0; ; attempt++ {
		n := w.c.nodes[(turn+attempt)%len(w.c.nodes)]
		status, body, err := w.c.api(n).call(ctx, http.MethodPost, "/subjects/"+subject+"/versions", schemaBody(schema), &got)
		switch {
		case err != nil && ctx.Err() == nil && connectionFailed(err):
			w.failovers.Add(1)
			time.Sleep(time.Duration(rand.N(20)) * time.Millisecond)
			continue
		case err != nil:
			w.fail(fmt.Sprintf("register %s into %s through %s: %v", schema, subject, n.name, err), "error")
		case status != http.StatusOK:
			w.fail(fmt.Sprintf("register %s into %s through %s: %d %s", schema, subject, n.name, status, body),
				fmt.Sprintf("%d/%d", status, errorCodeOf(body)))
		default:
			w.led.ack(w.t, ackedRegistration{subject: subject, schema: schema, id: got.ID, version: got.Version})
			w.acked.Add(1)
		}
		return
	}
}

// connectionFailed reports whether a request got no HTTP answer because the connection was
// refused, reset or closed: the instance is down or shutting down.
func connectionFailed(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "EOF") || strings.Contains(msg, "server closed") || strings.Contains(msg, "connection reset")
}

func (w *rollingWriters) fail(what, kind string) {
	w.failed.Add(1)
	w.mu.Lock()
	w.failures[kind]++
	first := w.failures[kind] <= 3
	w.mu.Unlock()
	if first {
		w.t.Log(what)
	}
}

// summary lists the failures by kind, "500/50004:12".
func (w *rollingWriters) summary() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(w.failures)) {
		parts = append(parts, fmt.Sprintf("%s:%d", k, w.failures[k]))
	}
	return strings.Join(parts, " ")
}
