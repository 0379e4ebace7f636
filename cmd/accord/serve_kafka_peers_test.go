package main

import (
	"context"
	"flag"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/accord-registry/accord/store/kafkagroup"
)

// TestKafkaPeerURLsFlag: --kafka-peer-urls reaches the election: a leader not listed is
// refused, a listed one is not, and a value that is not a list of URLs or host:port stops
// startup.
func TestKafkaPeerURLsFlag(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	k := kafkaFlags(fs)
	if err := fs.Parse([]string{"--kafka-brokers", cluster.ListenAddrs()[0], "--kafka-replication-factor", "1",
		"--kafka-snapshot=false", "--kafka-peer-urls", "http://sr-1:8081, sr-2:8081"}); err != nil {
		t.Fatal(err)
	}
	k.initTimeout = 5 * time.Second
	l, err := k.openLog(context.Background(), t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	self := kafkagroup.Identity{Scheme: "http", Host: "sr-1", Port: 8081, Eligible: true}
	e, err := k.elector(l, self, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.CheckLeader("http://sr-2:8081"); err != nil {
		t.Errorf("listed leader refused: %v", err)
	}
	if err := e.CheckLeader("http://127.0.0.1:18081"); err == nil || !strings.Contains(err.Error(), "127.0.0.1:18081") {
		t.Errorf("unlisted leader: %v, want a refusal naming it", err)
	}
	k.peerURLs = "sr-1"
	if _, err := k.elector(l, self, slog.New(slog.DiscardHandler)); err == nil {
		t.Errorf("--kafka-peer-urls sr-1 (no port) accepted")
	}
}
