package kafkatest_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/accord-registry/accord/test/kafkatest"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestBrokerStopAndRestart writes a record to a private broker, crashes the broker, restarts
// it, stops it cleanly and restarts it again: each time it comes back on the same address with
// the record, and while it is down it does not answer.
func TestBrokerStopAndRestart(t *testing.T) {
	t.Parallel()
	b := kafkatest.StartBroker(t)
	addr := b.Addr()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	opened, err := kafkatest.OpenBroker(b.Dir(), t.Logf)
	if err != nil || opened.Addr() != addr || opened.Pid() != b.Pid() || !opened.Running() {
		t.Fatalf("OpenBroker(%s) = %v, %v; want the running broker at %s (pid %d)", b.Dir(), opened, err, addr, b.Pid())
	}

	topic := kafkatest.Topic(t)
	admin := newClient(t, kgo.SeedBrokers(addr))
	if _, err := kadm.NewClient(admin).CreateTopic(ctx, 1, 1, nil, topic); err != nil {
		t.Fatalf("CreateTopic(%s) = %v", topic, err)
	}
	want := &kgo.Record{Topic: topic, Key: []byte("k"), Value: []byte("v")}
	if err := admin.ProduceSync(ctx, want).FirstErr(); err != nil {
		t.Fatalf("ProduceSync = %v", err)
	}

	for _, stop := range []struct {
		name string
		fn   func(testing.TB)
	}{{"Kill", b.Kill}, {"Stop", b.Stop}} {
		stop.fn(t)
		if b.Running() || b.Pid() != 0 {
			t.Fatalf("after %s the broker still runs (pid %d)", stop.name, b.Pid())
		}
		if err := b.Ping(ctx); err == nil {
			t.Fatalf("after %s the broker still answers", stop.name)
		}
		b.Restart(t)
		if b.Addr() != addr {
			t.Fatalf("after %s and Restart the broker is at %s, want %s", stop.name, b.Addr(), addr)
		}
		if got := readFirst(ctx, t, addr, topic); string(got.Key) != "k" || string(got.Value) != "v" {
			t.Fatalf("after %s and Restart the topic holds %q=%q, want k=v", stop.name, got.Key, got.Value)
		}
	}
}

func readFirst(ctx context.Context, t *testing.T, addr, topic string) *kgo.Record {
	t.Helper()
	cl := newClient(t, kgo.SeedBrokers(addr),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {0: kgo.NewOffset().AtStart()}}))
	for {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("no record read back from %s: %v", topic, ctx.Err())
		}
		if recs := fetches.Records(); len(recs) > 0 {
			return recs[0]
		}
	}
}

// TestStartBrokerWithoutJars checks that a missing jar cache skips the test, but fails it on
// CI, in both cases saying how to fetch the jars.
func TestStartBrokerWithoutJars(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	if kafkatest.JarsAvailable() {
		t.Fatal("JarsAvailable() with an empty cache = true")
	}
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		tb := &outcomeTB{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			kafkatest.StartBroker(tb)
		}()
		<-done
		got, want := tb.skipped, "skipped"
		if ci == "true" {
			got, want = tb.failed, "failed"
		}
		if !strings.Contains(got, "go run ./test/kafkaharness jars") {
			t.Errorf("CI=%q: StartBroker %s with %q (skipped %q), want a message naming `go run ./test/kafkaharness jars`", ci, want, got, tb.skipped)
		}
	}
}

// outcomeTB records how StartBroker ends a test, and ends the goroutine as testing.T would.
type outcomeTB struct {
	testing.TB
	skipped, failed string
}

func (o *outcomeTB) Helper() {}

func (o *outcomeTB) Fatalf(format string, args ...any) {
	o.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (o *outcomeTB) Skipf(format string, args ...any) {
	o.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
