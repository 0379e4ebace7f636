package kafkatest_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/accord-registry/accord/test/kafkatest"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestBrokersKafka writes one keyed record to a new compacted topic and reads it back, on kfake
// under `go test` and on the real broker under `make kafka-test`.
func TestBrokersKafka(t *testing.T) {
	t.Parallel()
	t.Logf("real broker: %v", kafkatest.Real())
	seeds := kafkatest.Brokers(t)
	topic := kafkatest.Topic(t)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	// Create the topic before the client that consumes it exists: a consumer that starts on a
	// missing topic backs off before it looks again.
	admin := newClient(t, kgo.SeedBrokers(seeds...))
	compact := map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}
	created, err := kadm.NewClient(admin).CreateTopic(ctx, 1, 1, compact, topic)
	if err == nil {
		err = created.Err
	}
	if err != nil {
		t.Fatalf("CreateTopic(%s) = %v", topic, err)
	}

	cl := newClient(t,
		kgo.SeedBrokers(seeds...),
		kgo.DefaultProduceTopic(topic),
		kgo.ProducerLinger(0),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {0: kgo.NewOffset().AtStart()}}),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	)

	want := &kgo.Record{Key: []byte("subject"), Value: []byte(`{"schema":"\"string\""}`)}
	produced, err := cl.ProduceSync(ctx, want).First()
	if err != nil {
		t.Fatalf("ProduceSync = %v", err)
	}
	if produced.Offset != 0 {
		t.Errorf("produced offset = %d, want 0", produced.Offset)
	}

	var got []*kgo.Record
	for len(got) == 0 {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("no record read back from %s: %v", topic, ctx.Err())
		}
		fetches.EachError(func(topic string, p int32, err error) {
			t.Logf("fetch %s/%d: %v", topic, p, err)
		})
		got = append(got, fetches.Records()...)
	}
	if len(got) != 1 || string(got[0].Key) != string(want.Key) || string(got[0].Value) != string(want.Value) {
		t.Errorf("read back %d records, first %q=%q; want 1 record %q=%q", len(got), got[0].Key, got[0].Value, want.Key, want.Value)
	}
}

func newClient(t *testing.T, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// TestTopicAndGroupNames checks that names are valid Kafka topic names and differ per call,
// even for subtests whose names hold characters Kafka rejects.
func TestTopicAndGroupNames(t *testing.T) {
	valid := regexp.MustCompile(`^[a-zA-Z0-9._-]{1,249}$`)
	t.Run("with spaces/and slashes.and dots", func(t *testing.T) {
		seen := map[string]bool{}
		for range 3 {
			for _, name := range []string{kafkatest.Topic(t), kafkatest.Group(t)} {
				if !valid.MatchString(name) {
					t.Errorf("name %q is not a valid Kafka topic name", name)
				}
				if seen[name] {
					t.Errorf("name %q returned twice", name)
				}
				seen[name] = true
			}
		}
	})
}
