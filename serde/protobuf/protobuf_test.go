package protobuf_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/protobuf"
	"github.com/accord-registry/accord/serde/protobuf/internal/testpb"
	"github.com/accord-registry/accord/serde/sertest"
)

var ctx = context.Background()

func order() *testpb.Order {
	return &testpb.Order{Id: 7, CustomerId: 9, Quantity: 2, Price: 9.5, Status: testpb.Order_STATUS_PAID,
		Note: proto.String("fragile"), Tags: []string{"a", "b"}, Attributes: map[string]string{"k": "v"},
		Shipping: &testpb.Address{Street: "1 Main St", City: "Lyon"}, CreatedAt: timestamppb.New(timestamppb.Now().AsTime()),
		Currency: "EUR", Gift: true}
}

func newSerializer[T proto.Message](t *testing.T, c *serde.Client, opts ...serde.Option) *protobuf.Serializer[T] {
	t.Helper()
	s, err := protobuf.NewSerializer[T](c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newDeserializer[T proto.Message](t *testing.T, c *serde.Client, opts ...serde.Option) *protobuf.Deserializer[T] {
	t.Helper()
	d, err := protobuf.NewDeserializer[T](c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newDynamic(t *testing.T, c *serde.Client, opts ...serde.Option) *protobuf.DynamicDeserializer {
	t.Helper()
	d, err := protobuf.NewDynamicDeserializer(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRoundTripBytesAndReferences(t *testing.T) {
	r := sertest.New(t)
	in := order()
	payload, err := newSerializer[*testpb.Order](t, r.Client()).Serialize(ctx, "orders", in)
	if err != nil {
		t.Fatal(err)
	}
	latest, err := r.SR().SchemaByVersion(ctx, "orders-value", -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := proto.Marshal(in)
	want := append(serde.AppendIndexes(serde.AppendPrefix(nil, serde.IDOf(int32(latest.ID))), []int{0}), body...)
	if !bytes.Equal(payload, want) {
		t.Fatalf("payload\n% x\nwant\n% x", payload, want)
	}
	// common.proto is a reference registered under its path; timestamp.proto is not.
	if len(latest.References) != 1 || latest.References[0] != (sr.SchemaReference{Name: "common.proto", Subject: "common.proto", Version: 1}) {
		t.Errorf("references %+v", latest.References)
	}
	subjects, err := r.SR().Subjects(ctx)
	if err != nil || len(subjects) != 2 {
		t.Errorf("subjects %v, %v: want orders-value and common.proto only", subjects, err)
	}
	out, id, err := newDeserializer[*testpb.Order](t, r.Client()).Deserialize(ctx, payload, nil)
	if err != nil || !proto.Equal(out, in) || id != serde.IDOf(int32(latest.ID)) {
		t.Fatalf("read %v with %v (%v)", out, id, err)
	}
	dyn, _, err := newDynamic(t, r.Client()).Deserialize(ctx, payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	if dyn.Descriptor().FullName() != "accord.testpb.Order" || !bytes.Equal(mustMarshal(t, dyn), body) {
		t.Fatalf("dynamic read %v", dyn)
	}
}

func b64(t *testing.T, m proto.Message) string {
	t.Helper()
	return base64.StdEncoding.EncodeToString(mustMarshal(t, m))
}

func mustMarshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNestedMessageIndexes(t *testing.T) {
	r := sertest.New(t)
	parcel := &testpb.Shipment_Parcel{Tracking: "XY1", Weight: 2}
	payload, err := newSerializer[*testpb.Shipment_Parcel](t, r.Client()).Serialize(ctx, "parcels", parcel)
	if err != nil {
		t.Fatal(err)
	}
	_, indexes, _, err := serde.Decode(payload, nil, false, true)
	if err != nil || len(indexes) != 2 || indexes[0] != 1 || indexes[1] != 0 {
		t.Fatalf("indexes %v (%v), want [1 0]", indexes, err)
	}
	out, _, err := newDeserializer[*testpb.Shipment_Parcel](t, r.Client()).Deserialize(ctx, payload, nil)
	if err != nil || !proto.Equal(out, parcel) {
		t.Fatalf("typed read %v, %v", out, err)
	}
	dyn, _, err := newDynamic(t, r.Client()).Deserialize(ctx, payload, nil)
	if err != nil || dyn.Descriptor().FullName() != "accord.testpb.Shipment.Parcel" {
		t.Fatalf("dynamic read %v, %v", dyn, err)
	}
}

func TestDynamicSerializer(t *testing.T) {
	r := sertest.New(t)
	ser, err := protobuf.NewDynamicSerializer(r.Client())
	if err != nil {
		t.Fatal(err)
	}
	md := (&testpb.Shipment{}).ProtoReflect().Descriptor()
	// A dynamic message built from a descriptor, as a program without generated code has.
	fd, err := protodesc.NewFile(protodesc.ToFileDescriptorProto(md.ParentFile()), protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	m := dynamicpb.NewMessage(fd.Messages().ByName("Shipment"))
	m.Set(m.Descriptor().Fields().ByName("id"), protoreflect.ValueOfString("s-1"))
	payload, err := ser.Serialize(ctx, "shipments", m)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := newDeserializer[*testpb.Shipment](t, r.Client()).Deserialize(ctx, payload, nil)
	if err != nil || out.GetId() != "s-1" {
		t.Fatalf("read %v, %v", out, err)
	}
}

func TestBase64SchemaAsPythonRegisters(t *testing.T) {
	r := sertest.New(t)
	// Register common.proto and order.proto as confluent-kafka for Python does: base64
	// descriptors, the import as a reference named by its path.
	for _, f := range []struct {
		subject string
		fdp     proto.Message
		refs    []sr.SchemaReference
	}{
		{"common.proto", protodesc.ToFileDescriptorProto(testpb.File_common_proto), nil},
		{"orders-value", protodesc.ToFileDescriptorProto(testpb.File_order_proto), []sr.SchemaReference{{Name: "common.proto", Subject: "common.proto", Version: 1}}},
	} {
		if _, err := r.SR().CreateSchema(ctx, f.subject, sr.Schema{Type: sr.TypeProtobuf, Schema: b64(t, f.fdp), References: f.refs}); err != nil {
			t.Fatalf("register %s: %v", f.subject, err)
		}
	}
	ss, err := r.SR().SchemaByVersion(ctx, "orders-value", 1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := proto.Marshal(&testpb.Shipment{Id: "s-2"})
	payload := append(serde.AppendIndexes(serde.AppendPrefix(nil, serde.IDOf(int32(ss.ID))), []int{1}), body...)
	dyn, _, err := newDynamic(t, r.Client()).Deserialize(ctx, payload, nil)
	if err != nil || dyn.Descriptor().FullName() != "accord.testpb.Shipment" {
		t.Fatalf("dynamic read of a record under a base64-registered schema: %v, %v", dyn, err)
	}
}

func TestIDFormatsAndSubjects(t *testing.T) {
	r := sertest.New(t)
	in := &testpb.Shipment_Parcel{Tracking: "T"}
	for _, f := range []serde.IDFormat{serde.PrefixID, serde.PrefixGUID, serde.HeaderGUID} {
		ser := newSerializer[*testpb.Shipment_Parcel](t, r.Client(), serde.WithIDFormat(f))
		payload, headers, err := ser.SerializeWithHeaders(ctx, "parcels", in, nil)
		if err != nil {
			t.Fatal(err)
		}
		dyn, id, err := newDynamic(t, r.Client()).Deserialize(ctx, payload, headers)
		if err != nil || dyn.Descriptor().FullName() != "accord.testpb.Shipment.Parcel" || id.IsGUID != (f != serde.PrefixID) {
			t.Errorf("format %d: %v with %v, %v", f, dyn, id, err)
		}
		if _, err := ser.Serialize(ctx, "parcels", in); (err != nil) != (f == serde.HeaderGUID) {
			t.Errorf("format %d: Serialize: %v", f, err)
		}
	}
	for _, tc := range []struct {
		opt     serde.Option
		subject string
	}{{serde.Key(), "parcels-key"}, {serde.Strategy(serde.RecordName), "accord.testpb.Shipment.Parcel"}, {serde.Strategy(serde.TopicRecordName), "parcels-accord.testpb.Shipment.Parcel"}} {
		if _, err := newSerializer[*testpb.Shipment_Parcel](t, r.Client(), tc.opt).Serialize(ctx, "parcels", in); err != nil {
			t.Fatal(err)
		}
		if _, err := r.SR().SchemaByVersion(ctx, tc.subject, 1); err != nil {
			t.Errorf("no registration under %s: %v", tc.subject, err)
		}
	}
}

func TestErrors(t *testing.T) {
	r := sertest.New(t)
	_, err := newSerializer[*testpb.Order](t, r.Client(), serde.NoAutoRegister()).Serialize(ctx, "orders", order())
	var re *sr.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 404 {
		t.Errorf("NoAutoRegister with nothing registered: %v, want the registry's 404", err)
	}
	de := newDeserializer[*testpb.Order](t, r.Client())
	var we *serde.WireError
	for _, p := range [][]byte{nil, {1, 2}, {0, 0, 0, 0, 1, 0x7f}} {
		if _, _, err := de.Deserialize(ctx, p, nil); !errors.As(err, &we) {
			t.Errorf("% x: %v, want a *serde.WireError", p, err)
		}
	}
	payload, err := newSerializer[*testpb.Order](t, r.Client()).Serialize(ctx, "orders", order())
	if err != nil {
		t.Fatal(err)
	}
	bad := append(append([]byte{}, payload[:5]...), 0x04, 0x02, 0x02) // indexes [1 1]: no such message
	if _, _, err := newDynamic(t, r.Client()).Deserialize(ctx, bad, nil); err == nil {
		t.Error("indexes naming no message decoded")
	}
	if _, err := protobuf.NewDeserializer[proto.Message](r.Client()); err == nil {
		t.Error("a typed deserializer of the proto.Message interface was created")
	}
}

func TestSingleFlight(t *testing.T) {
	r := sertest.New(t)
	payload, err := newSerializer[*testpb.Order](t, r.Client()).Serialize(ctx, "orders", order())
	if err != nil {
		t.Fatal(err)
	}
	de := newDynamic(t, r.Client())
	before := r.Requests()
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, _, err := de.Deserialize(ctx, payload, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// One request for the schema, one for its reference.
	if n := r.Requests() - before; n != 2 {
		t.Errorf("50 concurrent reads of an unknown id made %d requests, want 2", n)
	}
}
