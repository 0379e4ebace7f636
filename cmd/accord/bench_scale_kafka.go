package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/accord-registry/accord/store"
)

// scaleKafkaStartup produces the corpus into a new compacted topic on --scale-kafka-brokers,
// as Confluent Schema Registry would have written it (no transactions), then times `accord
// serve` (this binary) from process start to /readyz on an empty data dir (the whole topic is
// read) and again after a clean SIGTERM (the snapshot is loaded and only the tail read), once
// parsing every schema it reads (--kafka-schema-check parse, the default) and once trusting
// their text (trust), which keeps a snapshot of its own. The topic is deleted at the end.
func (c *benchConfig) scaleKafkaStartup(ctx context.Context, out io.Writer, sc scaleCorpus) error {
	seeds := strings.Split(c.scaleKafka, ",")
	topic := fmt.Sprintf("_accord_bench_scale_%d", time.Now().UnixNano())
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.DefaultProduceTopic(topic),
		kgo.ProducerLinger(5*time.Millisecond), kgo.MaxBufferedRecords(100_000))
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	if _, err := adm.CreateTopic(ctx, 1, -1, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}, topic); err != nil {
		return fmt.Errorf("create topic %s: %w", topic, err)
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = adm.DeleteTopics(dctx, topic)
	}()
	start := time.Now()
	if err := produceCorpus(ctx, cl, sc); err != nil {
		return err
	}
	fmt.Fprintf(out, "%-44s %12s\n", "topic filled", time.Since(start).Round(time.Millisecond))
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "accord-scale-kafka-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	flags := []string{"--kafka-brokers", c.scaleKafka, "--kafka-topic", topic, "--group-id", topic}
	for _, check := range []string{"parse", "trust"} {
		for _, name := range []string{"without snapshot", "with the snapshot"} {
			took, cpu, err := timeServe(ctx, bin, dir, append(flags, "--kafka-schema-check", check))
			if err != nil {
				return fmt.Errorf("%s, %s: %w", check, name, err)
			}
			fmt.Fprintf(out, "%-44s %12s  (%s of CPU)\n", "startup from Kafka, "+check+", "+name, took.Round(time.Millisecond), cpu.Round(10*time.Millisecond))
		}
		snapshot := filepath.Join(dir, "kafka-snapshot-"+topic+map[string]string{"trust": "-trusted"}[check])
		if _, err := os.Stat(snapshot); err != nil {
			return fmt.Errorf("no snapshot after a clean shutdown: %w", err)
		}
	}
	return nil
}

func produceCorpus(ctx context.Context, cl *kgo.Client, sc scaleCorpus) error {
	var failed atomic.Pointer[error]
	_, err := sc.records(func(r store.Record) error {
		cl.Produce(ctx, &kgo.Record{Key: r.Key, Value: r.Value}, func(_ *kgo.Record, err error) {
			if err != nil {
				failed.CompareAndSwap(nil, &err)
			}
		})
		return nil
	})
	if err == nil {
		err = cl.Flush(ctx)
	}
	if p := failed.Load(); err == nil && p != nil {
		err = *p
	}
	return err
}

// timeServe starts `accord serve` on dir, returns the time until /readyz answers 200 and the
// CPU time the process used by then, and stops it with SIGTERM, waiting for its clean exit
// (which writes the snapshot).
func timeServe(ctx context.Context, bin, dir string, flags []string) (took, cpu time.Duration, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	listen := ln.Addr().String()
	ln.Close()
	args := append([]string{"serve", "--listen", listen, "--data-dir", dir, "--advertised-url", "http://" + listen}, flags...)
	cmd := exec.CommandContext(ctx, bin, args...)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = io.Discard, &logs
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if err := awaitReadyz(ctx, "http://"+listen, done, 10*time.Minute); err != nil {
		_ = cmd.Process.Kill()
		<-done
		return 0, 0, fmt.Errorf("%w\n%s", err, logs.String())
	}
	took = time.Since(start)
	cpu, cpuErr := processCPU(cmd.Process.Pid)
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := <-done; err != nil {
		return 0, 0, fmt.Errorf("accord serve after SIGTERM: %w\n%s", err, logs.String())
	}
	return took, cpu, cpuErr
}

// awaitReadyz polls url's /readyz until it answers 200, the process ends or timeout passes.
func awaitReadyz(ctx context.Context, url string, done <-chan error, timeout time.Duration) error {
	hc := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		select {
		case err := <-done:
			return fmt.Errorf("accord serve exited before it was ready: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if resp, err := hc.Get(url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("not ready after %v", timeout)
}
