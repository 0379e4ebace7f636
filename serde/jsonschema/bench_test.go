package jsonschema_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/jsonschema"
	"github.com/accord-registry/accord/serde/sertest"
)

// accord against encoding/json on the same value, warm caches; accord-validate adds the
// schema check on each side.
func BenchmarkSerialize(b *testing.B) {
	r := sertest.New(b)
	ctx := context.Background()
	v := order{ID: 42, Item: "teapot", Price: 19.99, Tags: []string{"kitchen", "gift"}}
	for _, tc := range []struct {
		name string
		opts []serde.Option
	}{{"accord", nil}, {"accord-validate", []serde.Option{serde.Validate()}}} {
		b.Run(tc.name, func(b *testing.B) {
			ser, err := jsonschema.NewSerializer[order](r.Client(), orderSchema, tc.opts...)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ser.Serialize(ctx, "orders", v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDeserialize(b *testing.B) {
	r := sertest.New(b)
	ctx := context.Background()
	ser, err := jsonschema.NewSerializer[order](r.Client(), orderSchema)
	if err != nil {
		b.Fatal(err)
	}
	payload, err := ser.Serialize(ctx, "orders", order{ID: 42, Item: "teapot", Price: 19.99, Tags: []string{"kitchen", "gift"}})
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opts []serde.Option
	}{{"accord", nil}, {"accord-validate", []serde.Option{serde.Validate()}}} {
		b.Run(tc.name, func(b *testing.B) {
			de, err := jsonschema.NewDeserializer[order](r.Client(), tc.opts...)
			if err != nil {
				b.Fatal(err)
			}
			var out order
			b.ReportAllocs()
			for b.Loop() {
				if _, err := de.DeserializeInto(ctx, payload, nil, &out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("raw", func(b *testing.B) {
		var out order
		b.ReportAllocs()
		for b.Loop() {
			if err := json.Unmarshal(payload[5:], &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
