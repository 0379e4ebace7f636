package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/twmb/franz-go/pkg/kfake"
)

// TestMetricsAfterAWorkload runs `accord serve` on the embedded store, drives a scripted
// workload through it, and checks what a scrape of /metrics says about it.
func TestMetricsAfterAWorkload(t *testing.T) {
	base := startServe(t, "--data-dir", filepath.Join(t.TempDir(), "data"))
	avro := func(fields string) string {
		return `{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[` + strings.ReplaceAll(fields, `"`, `\"`) + `]}"}`
	}
	for _, step := range []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/subjects/orders-value/versions", avro(`{"name":"a","type":"int"}`), 200},
		{"POST", "/subjects/orders-value/versions", avro(`{"name":"a","type":"int"},{"name":"b","type":"int","default":0}`), 200},
		{"POST", "/subjects/orders-value/versions", avro(`{"name":"a","type":"string"}`), 409},
		{"POST", "/subjects/events-value/versions", `{"schemaType":"JSON","schema":"{\"type\":\"object\"}"}`, 200},
		{"POST", "/subjects/broken-value/versions", `{"schemaType":"PROTOBUF","schema":"message {"}`, 422},
		{"POST", "/compatibility/subjects/orders-value/versions/latest", avro(`{"name":"a","type":"int"}`), 200},
		{"POST", "/compatibility/subjects/orders-value/versions/latest", avro(`{"name":"a","type":"long"},{"name":"c","type":"int"}`), 200},
		{"DELETE", "/subjects/orders-value/versions/1", "", 200},
		{"GET", "/no/such/orders-value/route", "", 404},
		{"GET", "/subjects", "", 200},
		{"GET", "/subjects", "", 200},
		{"GET", "/subjects", "", 200},
	} {
		if got := send(t, step.method, base+step.path, step.body); got != step.want {
			t.Fatalf("%s %s = %d, want %d", step.method, step.path, got, step.want)
		}
	}
	families, text := scrape(t, base)
	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"accord_http_requests_total", map[string]string{"route": "/subjects", "method": "GET", "code": "2xx"}, 3},
		{"accord_http_requests_total", map[string]string{"route": "/subjects/:subject/versions", "method": "POST", "code": "4xx"}, 2},
		{"accord_http_requests_total", map[string]string{"route": "unmatched", "method": "GET", "code": "4xx"}, 1},
		{"accord_http_request_duration_seconds", map[string]string{"route": "/subjects", "method": "GET"}, 3},
		{"accord_registrations_total", map[string]string{"format": "AVRO", "outcome": "ok"}, 2},
		{"accord_registrations_total", map[string]string{"format": "AVRO", "outcome": "incompatible"}, 1},
		{"accord_registrations_total", map[string]string{"format": "JSON", "outcome": "ok"}, 1},
		{"accord_registrations_total", map[string]string{"format": "PROTOBUF", "outcome": "invalid"}, 1},
		{"accord_compatibility_checks_total", map[string]string{"format": "AVRO", "result": "compatible"}, 1},
		{"accord_compatibility_checks_total", map[string]string{"format": "AVRO", "result": "incompatible"}, 1},
		{"accord_subjects", nil, 2},
		{"accord_versions", map[string]string{"state": "live"}, 2},
		{"accord_versions", map[string]string{"state": "deleted"}, 1},
		{"accord_schemas", nil, 3},
	} {
		if got, ok := value(families, tc.name, tc.labels); !ok || got != tc.want {
			t.Errorf("%s%v = %v (found: %v), want %v", tc.name, tc.labels, got, ok, tc.want)
		}
	}
	// Every write was appended and synced once at least; the process and runtime are there.
	for _, tc := range []struct {
		name   string
		labels map[string]string
	}{
		{"accord_store_write_duration_seconds", map[string]string{"op": "append"}},
		{"accord_store_write_duration_seconds", map[string]string{"op": "sync"}},
		{"accord_log_applied_offset", nil},
		{"go_goroutines", nil},
		{"process_resident_memory_bytes", nil},
	} {
		if got, ok := value(families, tc.name, tc.labels); !ok || got <= 0 {
			t.Errorf("%s%v = %v (found: %v), want > 0", tc.name, tc.labels, got, ok)
		}
	}
	if strings.Contains(text, "orders-value") || strings.Contains(text, "/no/such") {
		t.Errorf("a subject or a requested path became a label value:\n%s", text)
	}
}

// TestMetricsOnKafka: on the Kafka store, the scrape says whether this instance leads, how
// far behind the log it is, and how long commits take.
func TestMetricsOnKafka(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close) // after serve has stopped and left the group: cleanups run last-in first-out
	base := startServe(t, "--data-dir", filepath.Join(t.TempDir(), "data"), "--kafka-brokers", cluster.ListenAddrs()[0])
	deadline := time.Now().Add(20 * time.Second)
	for send(t, "POST", base+"/subjects/s/versions", `{"schema":"\"int\""}`) != 200 {
		if time.Now().After(deadline) {
			t.Fatal("no registration succeeded within 20 s: no leader?")
		}
		time.Sleep(100 * time.Millisecond)
	}
	families, _ := scrape(t, base)
	for _, tc := range []struct {
		name   string
		labels map[string]string
		min    float64
		max    float64
	}{
		{"accord_leader", nil, 1, 1},
		{"accord_log_lag_records", nil, 0, 0},
		{"accord_store_write_duration_seconds", map[string]string{"op": "commit"}, 1, 1e9},
		{"accord_subjects", nil, 1, 1},
	} {
		if got, ok := value(families, tc.name, tc.labels); !ok || got < tc.min || got > tc.max {
			t.Errorf("%s%v = %v (found: %v), want in [%v, %v]", tc.name, tc.labels, got, ok, tc.min, tc.max)
		}
	}
}

// startServe runs `accord serve` on a free loopback port until the test ends, and returns
// its base URL once it answers.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ln := listenLoopback(t)
	startServeOn(t, ln, args...)
	base := "http://" + ln.Addr().String()
	waitForStatus(t, base+"/healthz", "", "", http.StatusOK)
	return base
}

// startServeOn runs `accord serve` on ln until the test ends. If the test fails, its log
// (stderr) is written to the test's log, so a failure shows what the instance did.
func startServeOn(t *testing.T, ln net.Listener, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	logs := &syncBuffer{}
	addr := ln.Addr().String()
	go func() { served <- serveOn(ctx, ln, args, io.Discard, logs) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		if t.Failed() {
			t.Logf("log of the instance at %s:\n%s", addr, logs)
		}
	})
}

func send(t *testing.T, method, url, body string) int {
	t.Helper()
	status, _ := call(t, method, url, body)
	return status
}

// scrape reads /metrics as Prometheus does, and returns it parsed and as text.
func scrape(t *testing.T, base string) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /metrics: %d %v", resp.StatusCode, err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(string(text)))
	if err != nil {
		t.Fatalf("the scrape does not parse: %v\n%s", err, text)
	}
	return families, string(text)
}

// value is a sample's value (a histogram's count) whose labels include the given ones.
func value(families map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	f, ok := families[name]
	if !ok {
		return 0, false
	}
	for _, m := range f.GetMetric() {
		if hasLabels(m, labels) {
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue(), true
			case m.Gauge != nil:
				return m.Gauge.GetValue(), true
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount()), true
			}
		}
	}
	return 0, false
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	found := 0
	for _, l := range m.GetLabel() {
		if v, ok := want[l.GetName()]; ok && v == l.GetValue() {
			found++
		}
	}
	return found == len(want)
}
