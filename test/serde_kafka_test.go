package test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/sertest"
	"github.com/accord-registry/accord/test/kafkatest"
)

// A producer and a consumer written with franz-go's kgo and Accord's Avro serde, end to end
// through Kafka and a registry: what a Go user of Accord writes.

// Order is the value the producer writes: a Go struct mapped to the Avro record by tags.
type Order struct {
	ID       int64   `avro:"id"`
	Customer string  `avro:"customer"`
	Total    float64 `avro:"total"`
}

const orderSchema = `{"type":"record","name":"Order","namespace":"com.example","fields":[
	{"name":"id","type":"long"},
	{"name":"customer","type":"string"},
	{"name":"total","type":"double"}]}`

// produceOrders writes orders to topic as Avro, with the schema id where opts say.
func produceOrders(ctx context.Context, cl *kgo.Client, reg *serde.Client, topic string, orders []Order, opts ...serde.Option) error {
	ser, err := avro.NewSerializer[Order](reg, orderSchema, opts...)
	if err != nil {
		return err
	}
	for _, o := range orders {
		value, headers, err := ser.SerializeWithHeaders(ctx, topic, o, nil)
		if err != nil {
			return err
		}
		rec := &kgo.Record{Topic: topic, Value: value}
		for _, h := range headers {
			rec.Headers = append(rec.Headers, kgo.RecordHeader{Key: h.Key, Value: h.Value})
		}
		if err := cl.ProduceSync(ctx, rec).FirstErr(); err != nil {
			return err
		}
	}
	return nil
}

// consumeOrders reads n orders from the start of topic and returns them with their ids.
func consumeOrders(ctx context.Context, brokers []string, reg *serde.Client, topic string, n int) ([]Order, []serde.SchemaID, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		return nil, nil, err
	}
	defer cl.Close()
	de, err := avro.NewDeserializer[Order](reg, orderSchema)
	if err != nil {
		return nil, nil, err
	}
	var orders []Order
	var ids []serde.SchemaID
	for len(orders) < n {
		fetches := cl.PollFetches(ctx)
		if err := fetches.Err0(); err != nil {
			return nil, nil, err
		}
		for _, rec := range fetches.Records() {
			headers := make([]serde.Header, 0, len(rec.Headers))
			for _, h := range rec.Headers {
				headers = append(headers, serde.Header{Key: h.Key, Value: h.Value})
			}
			o, id, err := de.Deserialize(ctx, rec.Value, headers)
			if err != nil {
				return nil, nil, err
			}
			orders, ids = append(orders, o), append(ids, id)
		}
	}
	return orders, ids, nil
}

// roundTripOrders creates topic, produces orders and consumes them back.
func roundTripOrders(ctx context.Context, brokers []string, reg *serde.Client, topic string, orders []Order, opts ...serde.Option) ([]Order, []serde.SchemaID, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		return nil, nil, err
	}
	defer cl.Close()
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, 1, 1, nil, topic); err != nil {
		return nil, nil, fmt.Errorf("create topic: %w", err)
	}
	if err := produceOrders(ctx, cl, reg, topic, orders, opts...); err != nil {
		return nil, nil, fmt.Errorf("produce: %w", err)
	}
	return consumeOrders(ctx, brokers, reg, topic, len(orders))
}

// TestSerdeKafkaRoundTrip runs on kfake under `go test ./...` and on the real broker under
// `make kafka-test`, with the id in the prefix and with the GUID in a record header.
func TestSerdeKafkaRoundTrip(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	reg := sertest.New(t)
	orders := []Order{{1, "ada", 12.5}, {2, "grace", 99}, {3, "edsger", 0.25}}
	for _, tc := range []struct {
		name string
		opts []serde.Option
	}{{"prefix", nil}, {"guid header", []serde.Option{serde.WithIDFormat(serde.HeaderGUID)}}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			got, ids, err := roundTripOrders(ctx, brokers, reg.Client(), kafkatest.Topic(t), orders, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, orders) {
				t.Errorf("consumed %+v, produced %+v", got, orders)
			}
			for _, id := range ids {
				if id.IsGUID != (tc.name == "guid header") || id != ids[0] {
					t.Errorf("record ids %v: want one %s id for all", ids, tc.name)
					break
				}
			}
		})
	}
}

// Example_kafka produces Avro orders to Kafka (an in-process kfake cluster here) with
// franz-go and reads them back, with a registry (an in-process Accord here) behind the
// serializers.
func Example_kafka() {
	registry, err := sertest.Start()
	if err != nil {
		panic(err)
	}
	defer registry.Close()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		panic(err)
	}
	defer cluster.Close()

	ctx := context.Background()
	orders := []Order{{1, "ada", 12.5}, {2, "grace", 99}}
	got, ids, err := roundTripOrders(ctx, cluster.ListenAddrs(), registry.Client(), "orders", orders)
	if err != nil {
		panic(err)
	}
	for i, o := range got {
		fmt.Printf("%v: %+v\n", ids[i], o)
	}
	// Output:
	// id 1: {ID:1 Customer:ada Total:12.5}
	// id 1: {ID:2 Customer:grace Total:99}
}
