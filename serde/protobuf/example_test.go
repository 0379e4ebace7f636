package protobuf_test

import (
	"context"
	"fmt"

	"github.com/accord-registry/accord/serde/protobuf"
	"github.com/accord-registry/accord/serde/protobuf/internal/testpb"
	"github.com/accord-registry/accord/serde/sertest"
)

func Example() {
	registry, err := sertest.Start() // a real registry in this process; use your registry's URL instead
	if err != nil {
		panic(err)
	}
	defer registry.Close()
	ctx := context.Background()

	// Registers common.proto (imported by order.proto) and then order.proto under
	// parcels-value; Parcel is nested in the second message of order.proto.
	ser, err := protobuf.NewSerializer[*testpb.Shipment_Parcel](registry.Client())
	if err != nil {
		panic(err)
	}
	value, err := ser.Serialize(ctx, "parcels", &testpb.Shipment_Parcel{Tracking: "XY-1", Weight: 1.5})
	if err != nil {
		panic(err)
	}
	fmt.Printf("prefix and indexes: % x\n", value[:8])

	de, err := protobuf.NewDeserializer[*testpb.Shipment_Parcel](registry.Client())
	if err != nil {
		panic(err)
	}
	p, id, err := de.Deserialize(ctx, value, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(id, p.GetTracking(), p.GetWeight())
	// Output:
	// prefix and indexes: 00 00 00 00 02 04 02 00
	// id 2 XY-1 1.5
}
