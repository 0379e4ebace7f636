package kafkalog_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/kafkalog"
	"github.com/accord-registry/accord/test/kafkatest"
)

// cluster is one Kafka (the real broker under `make test`, kfake otherwise) and one topic.
type cluster struct {
	brokers []string
	topic   string
	group   string
}

func newCluster(t *testing.T) cluster {
	t.Helper()
	return cluster{brokers: kafkatest.Brokers(t), topic: kafkatest.Topic(t), group: kafkatest.Group(t)}
}

func testLogger(t *testing.T) *slog.Logger {
	if os.Getenv("ACCORD_TEST_LOGS") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("test", t.Name())
	}
	return slog.New(slog.DiscardHandler)
}

// openLog opens the cluster's topic; snapshotDir "" disables snapshots.
func (c cluster) openLog(t *testing.T, snapshotDir string) *kafkalog.Log {
	t.Helper()
	cfg := kafkalog.Config{Brokers: c.brokers, Topic: c.topic, ReplicationFactor: 1,
		TransactionalID: kafkalog.TransactionalID(c.group, c.topic), Logger: testLogger(t),
		FenceCooldown: time.Minute}
	if snapshotDir != "" {
		cfg.SnapshotPath = filepath.Join(snapshotDir, "snapshot")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l, err := kafkalog.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open log: %v", err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// ownCluster is a kfake cluster of the test's own, for tests that intercept its requests.
type ownCluster struct{ *kfake.Cluster }

func newOwnCluster(t *testing.T) ownCluster {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return ownCluster{c}
}

// openLog opens the cluster's `_schemas` topic with transactional id txid; the log is closed
// before the cluster.
func (c ownCluster) openLog(t *testing.T, txid string) *kafkalog.Log {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l, err := kafkalog.Open(ctx, kafkalog.Config{Brokers: c.ListenAddrs(), Topic: "_schemas",
		ReplicationFactor: 1, TransactionalID: txid, Logger: testLogger(t), FenceCooldown: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// openStore opens a store on l and waits until it is ready.
func openStore(t *testing.T, l *kafkalog.Log) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{Shared: l, Logger: testLogger(t), WriteTimeout: 20 * time.Second})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(st.Close)
	waitFor(t, "store ready", st.Ready)
	return st
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// produce writes raw records to the topic with a plain (non-transactional) producer, as
// Confluent Schema Registry and Karapace do.
func (c cluster) produce(t *testing.T, recs ...*kgo.Record) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.brokers...), kgo.DefaultProduceTopic(c.topic),
		kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
}

// raw is a record from literal key and value text; value "" is a tombstone.
func raw(key, value string) *kgo.Record {
	r := &kgo.Record{Key: []byte(key), Partition: 0}
	if value != "" {
		r.Value = []byte(value)
	}
	return r
}

// dump renders everything a client can read about the registry, for comparisons.
func dump(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	out := map[string]any{}
	schemas, err := st.Schemas(ctx, store.SchemasOptions{Deleted: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range schemas {
		schemas[i].Timestamp = 0 // Kafka and the file log stamp records at different times
	}
	out["schemas"] = schemas
	subjects, err := st.Subjects(ctx, store.SubjectsOptions{Deleted: true})
	if err != nil {
		t.Fatal(err)
	}
	out["subjects"] = subjects
	configs := map[string]any{}
	modes := map[string]any{}
	for _, s := range append([]string{""}, subjects...) {
		if c, err := st.GetConfig(ctx, s, false); err == nil {
			configs[s] = c
		}
		if m, err := st.GetMode(ctx, s, false); err == nil {
			modes[s] = m
		}
	}
	out["configs"], out["modes"] = configs, modes
	contexts, err := st.Contexts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out["contexts"] = contexts
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
