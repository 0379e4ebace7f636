package avro

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	hamba "github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
)

// Deserializer reads Avro records in Confluent's wire format into values of type T. It is
// safe for concurrent use.
type Deserializer[T any] struct {
	r    *serde.Reader
	api  hamba.API
	text string // the reader's schema; "" decodes with the writer's
	refs []sr.SchemaReference

	reader   atomic.Pointer[hamba.Schema]
	readerMu sync.Mutex
	plans    serde.Memo[serde.SchemaID, *decoder[T]] // per writer id: what to decode with
	migrated serde.Memo[int32, *migrated[T]]         // per reader version's id: how migrated records are read
	readers  sync.Pool                               // of *hamba.Reader
}

// GenericDeserializer decodes with the writer's schema into dynamic values: records as
// map[string]any, arrays as []any, and so on (hamba/avro's mapping).
type GenericDeserializer = Deserializer[any]

// NewDeserializer returns a deserializer into T whose reader schema is the Avro schema text:
// records written with another schema are resolved to it, as Avro's schema resolution says.
func NewDeserializer[T any](c *serde.Client, schema string, opts ...serde.Option) (*Deserializer[T], error) {
	r, err := serde.NewReader(c, opts...)
	if err != nil {
		return nil, err
	}
	d := &Deserializer[T]{r: r, api: newAPI(), text: schema, refs: r.Config().References}
	d.readers.New = func() any { return hamba.NewReader(nil, 0, hamba.WithReaderConfig(d.api)) }
	r.SetFieldWalkers(walkers(c, r.Config()))
	if schema != "" && len(d.refs) == 0 {
		if _, err := d.readerSchema(context.Background()); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// NewGenericDeserializer returns a deserializer that decodes every record with the schema
// it was written with.
func NewGenericDeserializer(c *serde.Client, opts ...serde.Option) (*GenericDeserializer, error) {
	return NewDeserializer[any](c, "", opts...)
}

// Deserialize decodes a record, returning the value and the id of the schema it was written
// with. headers are the record's headers (for the GUID header format; nil is fine).
func (d *Deserializer[T]) Deserialize(ctx context.Context, payload []byte, headers []serde.Header) (T, serde.SchemaID, error) {
	var v T
	id, err := d.DeserializeInto(ctx, payload, headers, &v)
	return v, id, err
}

// DeserializeInto decodes a record into v.
func (d *Deserializer[T]) DeserializeInto(ctx context.Context, payload []byte, headers []serde.Header, v *T) (serde.SchemaID, error) {
	id, body, err := d.r.FindBody(payload, headers, false)
	if err != nil {
		return id, err
	}
	plan, ok := d.plans.Load(id)
	if !ok {
		if plan, err = d.plan(ctx, id); err != nil {
			return id, err
		}
	}
	if plan.rules.Encoding() {
		if body, err = d.r.RunEncoding(ctx, plan.rules, body); err != nil {
			return id, err
		}
	}
	if err := plan.budget.check(body); err != nil {
		return id, fmt.Errorf("serde/avro: decode a record written with schema %v: %w", id, err)
	}
	var m *serde.Migration
	if plan.rules.Migrates() {
		if m, err = d.r.Migration(ctx, plan.rules); err != nil {
			return id, err
		}
		if m.Needed() {
			return id, d.migrate(ctx, id, plan, m, body, v)
		}
	}
	if plan.unreadable != nil {
		return id, plan.unreadable
	}
	rd := d.readers.Get().(*hamba.Reader)
	err = plan.decode(rd, body, v)
	d.readers.Put(rd)
	if err != nil {
		return id, fmt.Errorf("serde/avro: decode a record written with schema %v: %w", id, err)
	}
	if plan.rules.Domain() {
		return id, serde.ReadDomainAs(ctx, d.r, plan.rules, m, v)
	}
	return id, nil
}

// plan builds what records written with id decode with: the writer's schema for a generic
// deserializer, the reader's when both are the same, else the resolution of the two. When
// the two do not resolve and the deserializer may migrate records, the error waits for a
// record that is not migrated.
func (d *Deserializer[T]) plan(ctx context.Context, id serde.SchemaID) (*decoder[T], error) {
	ws, err := d.r.Schema(ctx, id)
	if err != nil {
		return nil, err
	}
	if ws.Type != sr.TypeAvro {
		return nil, fmt.Errorf("serde/avro: schema %v is %s, not Avro", id, ws.Type)
	}
	writer, err := parse(ctx, d.r.Client(), ws.Schema, ws.References)
	if err != nil {
		return nil, fmt.Errorf("writer schema %v: %w", id, err)
	}
	dec, err := d.decoderFor(ctx, id, writer)
	if err != nil {
		return nil, err
	}
	if dec.rules, err = d.r.Rules(ctx, id, recordName(writer)); err != nil {
		return nil, err
	}
	if dec.unreadable != nil && !dec.rules.Migrates() {
		return nil, dec.unreadable
	}
	if dec.rules.Migrates() {
		dec.writer = newDecoder[any](d.api, writer)
	}
	dec.budget = newEmptyItemsBudget(writer, d.r.Config().MaxEmptyItems)
	d.plans.Store(id, dec)
	return dec, nil
}

// decoderFor returns the decoder of records written with writer into T: with writer itself
// for a generic deserializer, else with the resolution of writer and the deserializer's
// reader schema. When the two do not resolve, the decoder only says so (unreadable), since
// records that are migrated to the reader's version never use it.
func (d *Deserializer[T]) decoderFor(ctx context.Context, id serde.SchemaID, writer hamba.Schema) (*decoder[T], error) {
	if d.text == "" {
		return newDecoder[T](d.api, writer), nil
	}
	reader, err := d.readerSchema(ctx)
	if err != nil {
		return nil, err
	}
	resolved, err := resolve(reader, writer)
	if err != nil {
		return &decoder[T]{unreadable: fmt.Errorf("serde/avro: records written with schema %v cannot be read as %s: %w", id, recordName(reader), err)}, nil
	}
	return newDecoder[T](d.api, resolved), nil
}

// resolve returns the schema that reads data written with writer into reader's shape.
func resolve(reader, writer hamba.Schema) (hamba.Schema, error) {
	if reader.Fingerprint() == writer.Fingerprint() {
		return reader, nil
	}
	return hamba.NewSchemaCompatibility().Resolve(reader, writer)
}

// readerSchema parses the reader's schema (with its references) once.
func (d *Deserializer[T]) readerSchema(ctx context.Context) (hamba.Schema, error) {
	if p := d.reader.Load(); p != nil {
		return *p, nil
	}
	d.readerMu.Lock()
	defer d.readerMu.Unlock()
	if p := d.reader.Load(); p != nil {
		return *p, nil
	}
	s, err := parse(ctx, d.r.Client(), d.text, d.refs)
	if err != nil {
		return nil, err
	}
	d.reader.Store(&s)
	return s, nil
}
