package protobuf_test

import (
	"context"
	"testing"

	"github.com/accord-registry/accord/serde/protobuf"
	"github.com/accord-registry/accord/serde/protobuf/internal/testpb"
	"github.com/accord-registry/accord/serde/sertest"
)

// FuzzDeserialize feeds arbitrary indexes and bodies behind a registered schema's id to the
// dynamic and the typed deserializer: they may fail, never panic.
func FuzzDeserialize(f *testing.F) {
	r := sertest.New(f)
	ctx := context.Background()
	ser, err := protobuf.NewSerializer[*testpb.Order](r.Client())
	if err != nil {
		f.Fatal(err)
	}
	valid, err := ser.Serialize(ctx, "orders", benchOrder())
	if err != nil {
		f.Fatal(err)
	}
	dyn, err := protobuf.NewDynamicDeserializer(r.Client())
	if err != nil {
		f.Fatal(err)
	}
	typed, err := protobuf.NewDeserializer[*testpb.Order](r.Client())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid[5:])
	f.Add([]byte{0x04, 0x02, 0x00, 0x0a, 0x01})
	f.Fuzz(func(t *testing.T, rest []byte) {
		payload := append(append([]byte{}, valid[:5]...), rest...)
		_, _, _ = dyn.Deserialize(ctx, payload, nil)
		_, _, _ = typed.Deserialize(ctx, payload, nil)
	})
}
