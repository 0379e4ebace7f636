package avro_test

import (
	"context"
	"testing"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/sertest"
)

// FuzzDeserialize feeds arbitrary bodies behind a registered schema's id to the typed and the
// generic deserializer: each may fail, none may panic or hang.
func FuzzDeserialize(f *testing.F) {
	r := sertest.New(f)
	ctx := context.Background()
	ser, err := avro.NewSerializer[benchOrder](r.Client(), benchSchema)
	if err != nil {
		f.Fatal(err)
	}
	valid, err := ser.Serialize(ctx, "orders", benchValue())
	if err != nil {
		f.Fatal(err)
	}
	typed, err := avro.NewDeserializer[benchOrder](r.Client(), benchSchema)
	if err != nil {
		f.Fatal(err)
	}
	generic, err := avro.NewGenericDeserializer(r.Client())
	if err != nil {
		f.Fatal(err)
	}
	prefix := valid[:5]
	f.Add(valid[5:])
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, body []byte) {
		payload := append(append([]byte{}, prefix...), body...)
		_, _, _ = typed.Deserialize(ctx, payload, nil)
		_, _, _ = generic.Deserialize(ctx, payload, nil)
		_, _, _ = generic.Deserialize(ctx, body, []serde.Header{{Key: serde.ValueHeader, Value: body}})
	})
}
