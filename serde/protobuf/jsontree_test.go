package protobuf_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/accord-registry/accord/serde/protobuf"
	"github.com/accord-registry/accord/serde/protobuf/internal/testpb"
)

func TestJSONTreeRoundTrip(t *testing.T) {
	in := order()
	dyn := dynamicpb.NewMessage(in.ProtoReflect().Descriptor())
	b, err := proto.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := proto.Unmarshal(b, dyn); err != nil {
		t.Fatal(err)
	}
	tree, err := protobuf.ToJSONTree(dyn)
	if err != nil {
		t.Fatal(err)
	}
	m := tree.(map[string]any)
	for field, want := range map[string]any{"id": "7", "customerId": "9", "quantity": float64(2), "status": "STATUS_PAID",
		"gift": true, "region": "", "paid": false} {
		if d := cmp.Diff(want, m[field]); d != "" {
			t.Errorf("%s (-want +got):\n%s", field, d)
		}
	}
	m["quantity"] = float64(5) // what a migration might do
	var out testpb.Order
	if err := protobuf.FromJSONTree(tree, &out); err != nil {
		t.Fatal(err)
	}
	in.Quantity = 5
	if !proto.Equal(in, &out) {
		t.Fatalf("read back %v, want %v", &out, in)
	}
	m["noSuchField"] = "x"
	if err := protobuf.FromJSONTree(tree, &out); err == nil {
		t.Fatal("a field the message lacks was accepted")
	}
}
