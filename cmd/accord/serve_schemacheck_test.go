package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
)

// TestKafkaSchemaCheckFlag: with --kafka-schema-check trust, a schema whose text does not
// parse, written to the topic by another writer, is served as written, as Confluent serves it;
// with the default, parse, it is ignored, also when a snapshot made while trusting text is in
// --data-dir: that snapshot has a file of its own, never taken by an instance that parses.
func TestKafkaSchemaCheckFlag(t *testing.T) {
	brokers := clusterWithJunk(t)
	dataDir := filepath.Join(t.TempDir(), "data")

	ctx, cancel := context.WithCancel(context.Background())
	trusting := startServeCancel(t, ctx, "--data-dir", dataDir, "--kafka-brokers", brokers, "--kafka-schema-check", "trust")
	waitForStatus(t, trusting+"/readyz", "", "", 200)
	if status, body := call(t, "GET", trusting+"/schemas/ids/500", ""); status != 200 || !strings.Contains(body, `{{not a schema`) {
		t.Errorf("trust: GET /schemas/ids/500 = %d %s; want the text as written", status, body)
	}
	status, body := call(t, "POST", trusting+"/compatibility/subjects/junk/versions/latest", `{"schema":"\"int\""}`)
	if status != 422 || !strings.Contains(body, "Stored schema junk version 1 (id 500) does not parse") {
		t.Errorf("trust: compatibility against the junk = %d %s; want 42201 naming the stored version", status, body)
	}
	cancel()
	waitForFile(t, filepath.Join(dataDir, "kafka-snapshot-_schemas*"))

	parsing := startServe(t, "--data-dir", dataDir, "--kafka-brokers", brokers)
	waitForStatus(t, parsing+"/readyz", "", "", 200)
	if status, body := call(t, "GET", parsing+"/schemas/ids/500", ""); status != 404 {
		t.Errorf("parse: GET /schemas/ids/500 = %d %s; want 404", status, body)
	}
}

// clusterWithJunk starts an in-process Kafka, stopped when the test ends, whose registry
// topic holds junk (produceJunk), and returns its bootstrap address.
func clusterWithJunk(t *testing.T) string {
	t.Helper()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close) // after serve has stopped: cleanups run last-in first-out
	brokers := cluster.ListenAddrs()[0]
	produceJunk(t, brokers)
	return brokers
}

// produceJunk creates the registry topic and writes to it, as another writer could, a SCHEMA
// record whose text is not a schema: junk version 1, id 500.
func produceJunk(t *testing.T, brokers string) {
	t.Helper()
	cl, ctx := brokerClient(t, brokers)
	compact := "compact"
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, 1, 1, map[string]*string{"cleanup.policy": &compact}, "_schemas"); err != nil {
		t.Fatal(err)
	}
	produceSchemas(t, brokers, `{"subject":"junk","version":1,"id":500,"schema":"{{not a schema","deleted":false}`)
}

// startServeCancel is startServe stopped when ctx is cancelled (or when the test ends).
func startServeCancel(t *testing.T, ctx context.Context, args ...string) string {
	t.Helper()
	ln := listenLoopback(t)
	ctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- serveOn(ctx, ln, args, io.Discard, &syncBuffer{}) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	base := "http://" + ln.Addr().String()
	waitForStatus(t, base+"/healthz", "", "", 200)
	return base
}

// waitForFile waits for a file whose name matches pattern.
func waitForFile(t *testing.T, pattern string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if found, _ := filepath.Glob(pattern); len(found) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s was written within 20 s", pattern)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestKafkaTrustedSnapshotUnderTheParseName: a snapshot made trusting text, copied over the
// file name an instance that parses reads (a data directory restored or copied by hand), is
// discarded by that instance, which reads the topic and so ignores the junk: the snapshot
// says how its records were checked, and its file name is only a convenience.
func TestKafkaTrustedSnapshotUnderTheParseName(t *testing.T) {
	brokers := clusterWithJunk(t)
	dataDir := filepath.Join(t.TempDir(), "data")

	ctx, cancel := context.WithCancel(context.Background())
	trusting := startServeCancel(t, ctx, "--data-dir", dataDir, "--kafka-brokers", brokers, "--kafka-schema-check", "trust")
	waitForStatus(t, trusting+"/readyz", "", "", 200)
	cancel()
	trusted := filepath.Join(dataDir, "kafka-snapshot-_schemas-trusted")
	waitForFile(t, trusted)
	data, err := os.ReadFile(trusted)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dataDir, "kafka-snapshot-_schemas"), data, 0o644); err != nil {
		t.Fatal(err)
	}

	parsing := startServe(t, "--data-dir", dataDir, "--kafka-brokers", brokers)
	waitForStatus(t, parsing+"/readyz", "", "", 200)
	if status, body := call(t, "GET", parsing+"/schemas/ids/500", ""); status != 404 {
		t.Errorf("parse, from the trusted snapshot copied: GET /schemas/ids/500 = %d %s; want 404", status, body)
	}
}
