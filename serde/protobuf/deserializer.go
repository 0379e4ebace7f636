package protobuf

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/accord-registry/accord/serde"
)

// Deserializer reads Protobuf records in Confluent's wire format into messages of type T. It
// is safe for concurrent use.
type Deserializer[T proto.Message] struct {
	r      *serde.Reader
	typ    protoreflect.MessageType
	protos serde.Memo[serde.SchemaID, *serde.ReadRules] // ids known to be Protobuf schemas, with their rules (nil: none)
	// writers are the writers' schemas compiled, for the records that are migrated.
	writers serde.Memo[serde.SchemaID, protoreflect.FileDescriptor]
}

// NewDeserializer returns a deserializer into T, a generated message type such as
// *orderpb.Order.
func NewDeserializer[T proto.Message](c *serde.Client, opts ...serde.Option) (*Deserializer[T], error) {
	r, err := serde.NewReader(c, opts...)
	if err != nil {
		return nil, err
	}
	var zero T
	if any(zero) == nil {
		return nil, fmt.Errorf("serde/protobuf: NewDeserializer needs a generated message type; use NewDynamicDeserializer for others")
	}
	r.SetFieldWalkers(walkers(r.Config()))
	return &Deserializer[T]{r: r, typ: zero.ProtoReflect().Type()}, nil
}

// Deserialize decodes a record into a new T, returning it and the id of the schema it was
// written with. headers are the record's headers (for the GUID header format; nil is fine).
func (d *Deserializer[T]) Deserialize(ctx context.Context, payload []byte, headers []serde.Header) (T, serde.SchemaID, error) {
	v := d.typ.New().Interface().(T)
	id, err := d.DeserializeInto(ctx, payload, headers, v)
	return v, id, err
}

// DeserializeInto decodes a record into v, which it resets first.
func (d *Deserializer[T]) DeserializeInto(ctx context.Context, payload []byte, headers []serde.Header, v T) (serde.SchemaID, error) {
	id, body, err := d.r.FindBody(payload, headers, true)
	if err != nil {
		return id, err
	}
	rr, ok := d.protos.Load(id)
	if !ok {
		if rr, err = d.check(ctx, id); err != nil {
			return id, err
		}
	}
	if rr.Encoding() {
		if body, err = d.r.RunEncoding(ctx, rr, body); err != nil {
			return id, err
		}
	}
	var m *serde.Migration
	if rr.Migrates() {
		if m, err = d.r.Migration(ctx, rr); err != nil {
			return id, err
		}
		if m.Needed() {
			return id, d.migrate(ctx, id, rr, m, payload, headers, body, v)
		}
	}
	if err := unmarshal(body, v); err != nil {
		return id, fmt.Errorf("serde/protobuf: decode a record written with schema %v: %w", id, err)
	}
	if rr.Domain() {
		return id, readRules(ctx, d.r, rr, m, v)
	}
	return id, nil
}

// check makes sure, once per id, that the registry has the schema and that it is Protobuf,
// and finds the rules its records run.
func (d *Deserializer[T]) check(ctx context.Context, id serde.SchemaID) (*serde.ReadRules, error) {
	ws, err := d.r.Schema(ctx, id)
	if err != nil {
		return nil, err
	}
	if ws.Type != sr.TypeProtobuf {
		return nil, fmt.Errorf("serde/protobuf: schema %v is %s, not Protobuf", id, ws.Type)
	}
	rr, err := d.r.Rules(ctx, id, string(d.typ.Descriptor().FullName()))
	if err != nil {
		return nil, err
	}
	d.protos.Store(id, rr)
	return rr, nil
}
