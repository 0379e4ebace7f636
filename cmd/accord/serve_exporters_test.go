package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/accord-registry/accord/store/filelog"
)

// TestServeKeepsTheExportersLog: the embedded store keeps the exporters in a log of their
// own, <data-dir>/exporters, with a source id made on the first start and kept across
// restarts (it names the context AUTO exporters write to).
func TestServeKeepsTheExportersLog(t *testing.T) {
	dir := t.TempDir()
	var ids []string
	for i := range 2 {
		ln := listenLoopback(t)
		ctx, cancel := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- serveOn(ctx, ln, []string{"--data-dir", dir}, io.Discard, io.Discard) }()
		base := "http://" + ln.Addr().String()
		waitForStatus(t, base+"/readyz", "", "", http.StatusOK)
		data, err := os.ReadFile(filepath.Join(dir, exportersDir, sourceIDFile))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, strings.TrimSpace(string(data)))
		cancel()
		if err := <-served; err != nil {
			t.Fatalf("serve %d: %v", i, err)
		}
	}
	if !regexp.MustCompile(`^accord-[0-9a-f]{12}$`).MatchString(ids[0]) || ids[1] != ids[0] {
		t.Errorf("source ids of two runs: %q, want one accord-<12 hex digits> kept", ids)
	}
	if _, err := filelog.Verify(filepath.Join(dir, exportersDir), nil); err != nil {
		t.Errorf("the exporters' log: %v", err)
	}
}

// TestServeRefusesAnEmptySourceID: a source-id file emptied by hand is an error, not a new
// id, since a new id would make AUTO exporters copy everything again into a new context.
func TestServeRefusesAnEmptySourceID(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, exportersDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, exportersDir, sourceIDFile), []byte("\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := serveOn(context.Background(), listenLoopback(t), []string{"--data-dir", dir}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "source-id") {
		t.Fatalf("serve with an empty source id: %v", err)
	}
}

// TestServeExporterFlags: --max-exporters must be at least 1, and both exporter flags
// take their ACCORD_* variables.
func TestServeExporterFlags(t *testing.T) {
	err := serveOn(context.Background(), listenLoopback(t), []string{"--data-dir", t.TempDir(), "--max-exporters", "0"}, io.Discard, io.Discard)
	var in inputError
	if err == nil || !strings.Contains(err.Error(), "--max-exporters") || !errors.As(err, &in) {
		t.Errorf("--max-exporters 0: %v, want an input error naming the flag", err)
	}
	t.Setenv("ACCORD_MAX_EXPORTERS", "3")
	t.Setenv("ACCORD_PASSWORD_ENCODER_SECRET", "s3cret")
	t.Setenv("ACCORD_KAFKA_EXPORTER_CONFIGS_TOPIC", "cfgs")
	t.Setenv("ACCORD_KAFKA_EXPORTER_STATES_TOPIC", "states")
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c := serveFlags(fs)
	if err := parseFlags(fs, nil); err != nil {
		t.Fatal(err)
	}
	if c.exporters.maxExporters != 3 || c.exporters.secret != "s3cret" ||
		c.kafka.exporterConfigsTopic != "cfgs" || c.kafka.exporterStatesTopic != "states" {
		t.Errorf("from the environment: %+v, topics %q %q", *c.exporters, c.kafka.exporterConfigsTopic, c.kafka.exporterStatesTopic)
	}
}

// TestServeExportersOnKafka: on the Kafka store the exporters live in two topics of their
// own (--kafka-exporter-configs-topic, --kafka-exporter-states-topic), created at start,
// and /readyz waits for both; the leader runs the exporters, and the source id is the Kafka
// cluster's id.
func TestServeExportersOnKafka(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	brokers := cluster.ListenAddrs()
	base := startServe(t, "--data-dir", filepath.Join(t.TempDir(), "data"), "--kafka-brokers", brokers[0],
		"--kafka-exporter-configs-topic", "my_exporter_configs", "--kafka-exporter-states-topic", "my_exporter_states")
	waitForStatus(t, base+"/readyz", "", "", http.StatusOK)
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	topics, err := kadm.NewClient(cl).ListTopics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, topic := range []string{"_schemas", "_dek_registry_keys", "my_exporter_configs", "my_exporter_states"} {
		if !topics.Has(topic) {
			t.Errorf("topic %s not created; topics: %v", topic, topics.Names())
		}
	}
	var ready struct{ Leader string }
	deadline := time.Now().Add(20 * time.Second)
	for ready.Leader == "" && time.Now().Before(deadline) {
		_, body := call(t, "GET", base+"/readyz", "")
		_ = json.Unmarshal([]byte(body), &ready)
		time.Sleep(50 * time.Millisecond)
	}
	if ready.Leader == "" {
		t.Fatalf("no leader elected within 20 s")
	}
	// The leader runs exporters; AUTO names the destination context after the cluster id.
	dst := startServe(t, "--data-dir", filepath.Join(t.TempDir(), "dst"))
	if status, body := call(t, "POST", base+"/subjects/orders/versions", `{"schema":"\"int\""}`); status != 200 {
		t.Fatalf("register: %d %s", status, body)
	}
	if status, body := call(t, "POST", base+"/exporters", `{"name":"auto","config":{"schema.registry.url":"`+dst+`"}}`); status != 200 {
		t.Fatalf("create an AUTO exporter: %d %s", status, body)
	}
	var meta struct {
		Scope struct {
			Clusters map[string]string `json:"clusters"`
		} `json:"scope"`
	}
	_, body := call(t, "GET", base+"/v1/metadata/id", "")
	if err := json.Unmarshal([]byte(body), &meta); err != nil || meta.Scope.Clusters["kafka-cluster"] == "" {
		t.Fatalf("GET /v1/metadata/id: %s %v", body, err)
	}
	waitForVersion(t, dst+"/subjects/:."+meta.Scope.Clusters["kafka-cluster"]+":orders/versions/1", base+"/exporters/auto/status")
}
