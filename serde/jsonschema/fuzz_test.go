package jsonschema_test

import (
	"context"
	"testing"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/jsonschema"
	"github.com/accord-registry/accord/serde/sertest"
)

// FuzzDeserialize feeds arbitrary bodies behind a registered schema's id to a validating
// generic deserializer: it may fail, never panic.
func FuzzDeserialize(f *testing.F) {
	r := sertest.New(f)
	ctx := context.Background()
	ser, err := jsonschema.NewSerializer[order](r.Client(), orderSchema)
	if err != nil {
		f.Fatal(err)
	}
	valid, err := ser.Serialize(ctx, "orders", order{ID: 1, Item: "pen", Tags: []string{"a"}})
	if err != nil {
		f.Fatal(err)
	}
	de, err := jsonschema.NewGenericDeserializer(r.Client(), serde.Validate())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid[5:])
	f.Add([]byte(`{"id":1e400,"item":"x"}`))
	f.Add([]byte(`[[[[[[[[[[[[]]]]]]]]]]]]`))
	f.Add([]byte(`{"id":1e99999999,"item":"x"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _, _ = de.Deserialize(ctx, append(append([]byte{}, valid[:5]...), body...), nil)
	})
}
