package avro_test

import (
	"context"
	"testing"
	"time"

	ckschemaregistry "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	ckserde "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	hamba "github.com/hamba/avro/v2"

	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/sertest"
)

// The measure: a 20-field record, warm caches, the same run. `raw` is hamba/avro's
// own Marshal and Unmarshal of the same value under the same schema (no registry, no
// prefix); `accord` is this package; `confluent` is confluent-kafka-go's avrov2, which is
// built on hamba/avro too, configured to write with the same registered schema.
//
//	go test -run '^$' -bench '^Benchmark(Serialize|Deserialize)$' -benchmem ./serde/avro

type benchAddress struct {
	Street string `avro:"street"`
	City   string `avro:"city"`
}

type benchOrder struct {
	ID         int64             `avro:"id"`
	CustomerID int64             `avro:"customer_id"`
	Quantity   int32             `avro:"quantity"`
	Price      float64           `avro:"price"`
	Discount   float32           `avro:"discount"`
	Paid       bool              `avro:"paid"`
	Status     string            `avro:"status"`
	Note       *string           `avro:"note"`
	Tags       []string          `avro:"tags"`
	Attributes map[string]string `avro:"attributes"`
	Shipping   benchAddress      `avro:"shipping"`
	CreatedAt  time.Time         `avro:"created_at"`
	Currency   string            `avro:"currency"`
	Channel    string            `avro:"channel"`
	Region     string            `avro:"region"`
	Email      string            `avro:"email"`
	Phone      string            `avro:"phone"`
	Priority   int32             `avro:"priority"`
	Weight     float64           `avro:"weight"`
	Gift       bool              `avro:"gift"`
}

const benchSchema = `{"type":"record","name":"Order","namespace":"com.example.bench","fields":[
	{"name":"id","type":"long"},
	{"name":"customer_id","type":"long"},
	{"name":"quantity","type":"int"},
	{"name":"price","type":"double"},
	{"name":"discount","type":"float"},
	{"name":"paid","type":"boolean"},
	{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED"]}},
	{"name":"note","type":["null","string"],"default":null},
	{"name":"tags","type":{"type":"array","items":"string"}},
	{"name":"attributes","type":{"type":"map","values":"string"}},
	{"name":"shipping","type":{"type":"record","name":"Address","fields":[
		{"name":"street","type":"string"},{"name":"city","type":"string"}]}},
	{"name":"created_at","type":{"type":"long","logicalType":"timestamp-millis"}},
	{"name":"currency","type":"string"},
	{"name":"channel","type":"string"},
	{"name":"region","type":"string"},
	{"name":"email","type":"string"},
	{"name":"phone","type":"string"},
	{"name":"priority","type":"int"},
	{"name":"weight","type":"double"},
	{"name":"gift","type":"boolean"}]}`

func benchValue() benchOrder {
	note := "leave at the door"
	return benchOrder{ID: 1234567, CustomerID: 987654, Quantity: 3, Price: 49.95, Discount: 0.1, Paid: true,
		Status: "PAID", Note: &note, Tags: []string{"gift", "express"}, Attributes: map[string]string{"color": "blue"},
		Shipping: benchAddress{Street: "1 Main St", City: "Springfield"}, CreatedAt: time.UnixMilli(1_763_856_000_000).UTC(),
		Currency: "EUR", Channel: "web", Region: "eu-west", Email: "ada@example.com", Phone: "+33 1 23 45 67 89",
		Priority: 2, Weight: 1.25, Gift: true}
}

// benchSetup registers the schema in a fresh registry and returns what every sub-benchmark
// shares: the registry, a payload written by Accord, and the parsed schema for the raw codec.
func benchSetup(b *testing.B) (*sertest.Registry, []byte, hamba.Schema, hamba.API) {
	r := sertest.New(b)
	ser, err := avro.NewSerializer[benchOrder](r.Client(), benchSchema)
	if err != nil {
		b.Fatal(err)
	}
	payload, err := ser.Serialize(context.Background(), "orders", benchValue())
	if err != nil {
		b.Fatal(err)
	}
	schema, err := hamba.ParseWithCache(benchSchema, "", &hamba.SchemaCache{})
	if err != nil {
		b.Fatal(err)
	}
	return r, payload, schema, hamba.Config{}.Freeze()
}

// confluentClient is confluent-kafka-go's registry client for r.
func confluentClient(b *testing.B, r *sertest.Registry) ckschemaregistry.Client {
	c, err := ckschemaregistry.NewClient(ckschemaregistry.NewConfig(r.URL()))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func BenchmarkSerialize(b *testing.B) {
	r, _, schema, api := benchSetup(b)
	ctx := context.Background()
	v := benchValue()
	b.Run("accord", func(b *testing.B) {
		ser, err := avro.NewSerializer[benchOrder](r.Client(), benchSchema)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ser.Serialize(ctx, "orders", v); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ser.Serialize(ctx, "orders", v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := api.Marshal(schema, v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("confluent", func(b *testing.B) {
		conf := avrov2.NewSerializerConfig()
		conf.AutoRegisterSchemas, conf.UseLatestVersion = false, true
		ser, err := avrov2.NewSerializer(confluentClient(b, r), ckserde.ValueSerde, conf)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ser.Serialize("orders", &v); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ser.Serialize("orders", &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDeserialize(b *testing.B) {
	r, payload, schema, api := benchSetup(b)
	ctx := context.Background()
	b.Run("accord", func(b *testing.B) {
		de, err := avro.NewDeserializer[benchOrder](r.Client(), benchSchema)
		if err != nil {
			b.Fatal(err)
		}
		var out benchOrder
		if _, err := de.DeserializeInto(ctx, payload, nil, &out); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := de.DeserializeInto(ctx, payload, nil, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		body := payload[5:]
		var out benchOrder
		b.ReportAllocs()
		for b.Loop() {
			if err := api.Unmarshal(schema, body, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("confluent", func(b *testing.B) {
		de, err := avrov2.NewDeserializer(confluentClient(b, r), ckserde.ValueSerde, avrov2.NewDeserializerConfig())
		if err != nil {
			b.Fatal(err)
		}
		var out benchOrder
		if err := de.DeserializeInto("orders", payload, &out); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := de.DeserializeInto("orders", payload, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
