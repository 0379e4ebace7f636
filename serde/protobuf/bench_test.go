package protobuf_test

import (
	"context"
	"testing"
	"time"

	ckschemaregistry "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	ckserde "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	ckprotobuf "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/protobuf"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/accord-registry/accord/serde/protobuf"
	"github.com/accord-registry/accord/serde/protobuf/internal/testpb"
	"github.com/accord-registry/accord/serde/sertest"
)

// The measure: a 20-field message, warm caches, the same run. `raw` is
// proto.Marshal and proto.Unmarshal of the same message; `accord` is this package;
// `confluent` is confluent-kafka-go's protobuf serde against the same registry.
//
//	go test -run '^$' -bench '^Benchmark(Serialize|Deserialize)$' -benchmem ./serde/protobuf

func benchOrder() *testpb.Order {
	return &testpb.Order{Id: 1234567, CustomerId: 987654, Quantity: 3, Price: 49.95, Discount: 0.1, Paid: true,
		Status: testpb.Order_STATUS_PAID, Note: proto.String("leave at the door"), Tags: []string{"gift", "express"},
		Attributes: map[string]string{"color": "blue"}, Shipping: &testpb.Address{Street: "1 Main St", City: "Springfield"},
		CreatedAt: timestamppb.New(time.UnixMilli(1_763_856_000_000)), Currency: "EUR", Channel: "web", Region: "eu-west",
		Email: "ada@example.com", Phone: "+33 1 23 45 67 89", Priority: 2, Weight: 1.25, Gift: true}
}

func confluentClient(b *testing.B, r *sertest.Registry) ckschemaregistry.Client {
	c, err := ckschemaregistry.NewClient(ckschemaregistry.NewConfig(r.URL()))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func BenchmarkSerialize(b *testing.B) {
	r := sertest.New(b)
	ctx := context.Background()
	m := benchOrder()
	b.Run("accord", func(b *testing.B) {
		ser, err := protobuf.NewSerializer[*testpb.Order](r.Client())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ser.Serialize(ctx, "orders", m); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ser.Serialize(ctx, "orders", m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := proto.Marshal(m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("confluent", func(b *testing.B) {
		ser, err := ckprotobuf.NewSerializer(confluentClient(b, r), ckserde.ValueSerde, ckprotobuf.NewSerializerConfig())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ser.Serialize("orders-confluent", m); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ser.Serialize("orders-confluent", m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDeserialize(b *testing.B) {
	r := sertest.New(b)
	ctx := context.Background()
	ser, err := protobuf.NewSerializer[*testpb.Order](r.Client())
	if err != nil {
		b.Fatal(err)
	}
	payload, err := ser.Serialize(ctx, "orders", benchOrder())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("accord", func(b *testing.B) {
		de, err := protobuf.NewDeserializer[*testpb.Order](r.Client())
		if err != nil {
			b.Fatal(err)
		}
		out := &testpb.Order{}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := de.DeserializeInto(ctx, payload, nil, out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		body := payload[6:] // the id, then the one-byte index shortcut
		out := &testpb.Order{}
		b.ReportAllocs()
		for b.Loop() {
			if err := proto.Unmarshal(body, out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("confluent", func(b *testing.B) {
		de, err := ckprotobuf.NewDeserializer(confluentClient(b, r), ckserde.ValueSerde, ckprotobuf.NewDeserializerConfig())
		if err != nil {
			b.Fatal(err)
		}
		if err := de.ProtoRegistry.RegisterMessage((&testpb.Order{}).ProtoReflect().Type()); err != nil {
			b.Fatal(err)
		}
		out := &testpb.Order{}
		if err := de.DeserializeInto("orders", payload, out); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := de.DeserializeInto("orders", payload, out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
