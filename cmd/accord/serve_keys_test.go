package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/accord-registry/accord/store/filelog"
)

// TestServeKeepsTheDekRegistry: the embedded store keeps the DEK Registry in its own log,
// <data-dir>/dek-registry, across restarts; --dek-registry-max-keys bounds it.
func TestServeKeepsTheDekRegistry(t *testing.T) {
	dir := t.TempDir()
	const keks = "/dek-registry/v1/keks"
	for i, step := range []func(base string){
		func(base string) {
			if status, body := call(t, "POST", base+keks, `{"name":"k1","kmsType":"local-kms","kmsKeyId":"id"}`); status != 200 {
				t.Fatalf("create KEK: %d %s", status, body)
			}
			if status, body := call(t, "POST", base+keks, `{"name":"k2","kmsType":"local-kms","kmsKeyId":"id"}`); status != 200 {
				t.Fatalf("create a second KEK: %d %s", status, body)
			}
			if status, body := call(t, "POST", base+keks, `{"name":"k3","kmsType":"local-kms","kmsKeyId":"id"}`); status != 409 || !strings.Contains(body, "40972") {
				t.Fatalf("create a KEK over the limit: %d %s, want 409 40972", status, body)
			}
		},
		func(base string) {
			if status, body := call(t, "GET", base+keks, ""); status != 200 || body != `["k1","k2"]` {
				t.Fatalf("KEKs after a restart: %d %s", status, body)
			}
		},
	} {
		ln := listenLoopback(t)
		ctx, cancel := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() {
			served <- serveOn(ctx, ln, []string{"--data-dir", dir, "--dek-registry-max-keys", "1"}, io.Discard, io.Discard)
		}()
		base := "http://" + ln.Addr().String()
		waitForStatus(t, base+"/healthz", "", "", http.StatusOK)
		step(base)
		cancel()
		if err := <-served; err != nil {
			t.Fatalf("serve %d: %v", i, err)
		}
	}
	s, err := filelog.Verify(filepath.Join(dir, dekRegistryDir), nil)
	if err != nil || s.Frames != 2 {
		t.Fatalf("the DEK Registry's log: %+v, %v; want its 2 records", s, err)
	}
}

// TestServeDekRegistryOnKafka: on the Kafka store the DEK Registry lives in its own topic
// (--kafka-dek-topic), which the leader writes with Confluent's record keys.
func TestServeDekRegistryOnKafka(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close) // after serve has stopped: cleanups run last-in first-out
	brokers := cluster.ListenAddrs()
	base := startServe(t, "--data-dir", filepath.Join(t.TempDir(), "data"), "--kafka-brokers", brokers[0], "--kafka-dek-topic", "keys")
	deadline := time.Now().Add(20 * time.Second)
	for send(t, "POST", base+"/dek-registry/v1/keks", `{"name":"k1","kmsType":"local-kms","kmsKeyId":"id"}`) != 200 {
		if time.Now().After(deadline) {
			t.Fatal("no KEK created within 20 s: no leader?")
		}
		time.Sleep(100 * time.Millisecond)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics("keys"),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		fetches := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatal("no record in the DEK Registry's topic")
		}
		var keys []string
		fetches.EachRecord(func(r *kgo.Record) { keys = append(keys, string(r.Key)) })
		if len(keys) > 0 {
			if keys[0] != `{"tenant":"default","name":"k1","type":"KEK"}` {
				t.Fatalf("record keys %v", keys)
			}
			return
		}
	}
}
