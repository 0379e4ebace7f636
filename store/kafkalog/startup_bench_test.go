package kafkalog_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/kafkalog"
	"github.com/accord-registry/accord/test/kafkatest"
)

// BenchmarkStartup100k measures, in process and on kfake unless KAFKA_BOOTSTRAP names a
// broker, how long a store on the Kafka log takes to become ready on a topic of 100,000
// schema records in Confluent's format: reading the whole topic (every schema parsed), and
// restarting from the local snapshot (its records trusted, not parsed). test/'s
// BenchmarkKafkaStartup measures the whole binary on a real broker.
func BenchmarkStartup100k(b *testing.B) {
	const n = 100_000
	brokers, topic := kafkatest.Brokers(b), kafkatest.Topic(b)
	cfg := kafkalog.Config{Brokers: brokers, Topic: topic, ReplicationFactor: 1,
		TransactionalID: kafkalog.TransactionalID(kafkatest.Group(b), topic), Logger: slog.New(slog.DiscardHandler)}
	openLog := func(snapshotPath string) *kafkalog.Log {
		c := cfg
		c.SnapshotPath = snapshotPath
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		l, err := kafkalog.Open(ctx, c)
		if err != nil {
			b.Fatal(err)
		}
		return l
	}
	_ = openLog("").Close() // creates the topic
	fillSchemas(b, brokers, topic, n)

	startup := func(snapshotPath string) time.Duration {
		start := time.Now()
		l := openLog(snapshotPath)
		st, err := store.Open(context.Background(), store.Config{Shared: l, WriteTimeout: time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		for !st.Ready() {
			time.Sleep(time.Millisecond)
		}
		took := time.Since(start)
		if got := st.Stats(); got.Schemas != n {
			b.Fatalf("stats = %+v, want %d schemas", got, n)
		}
		st.Close() // writes the snapshot
		_ = l.Close()
		return took
	}
	snapshotPath := filepath.Join(b.TempDir(), "snapshot")
	startup(snapshotPath)
	for _, snapshot := range []bool{false, true} {
		b.Run(map[bool]string{false: "no_snapshot", true: "snapshot"}[snapshot], func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				path := snapshotPath
				if !snapshot {
					path = ""
				}
				total += startup(path)
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "startup_s")
		})
	}
}

// fillSchemas produces n distinct Avro schema records to topic as Confluent writes them.
func fillSchemas(b *testing.B, brokers []string, topic string, n int) {
	b.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(topic),
		kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(5*time.Millisecond), kgo.MaxBufferedRecords(n))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for i := 1; i <= n; i++ {
		schema, _ := json.Marshal(fmt.Sprintf(`{"type":"record","name":"R%d","namespace":"bench","fields":[{"name":"id","type":"long"},{"name":"f%d","type":"string"}]}`, i, i))
		cl.Produce(ctx, &kgo.Record{
			Key:   fmt.Appendf(nil, `{"keytype":"SCHEMA","subject":"s-%d","version":1,"magic":1}`, i),
			Value: fmt.Appendf(nil, `{"subject":"s-%d","version":1,"id":%d,"schema":%s,"deleted":false}`, i, i, schema),
		}, func(_ *kgo.Record, err error) {
			if err != nil {
				b.Error(err)
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		b.Fatal(err)
	}
}
