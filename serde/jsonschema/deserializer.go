package jsonschema

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
)

// Deserializer reads JSON records in Confluent's wire format into values of type T. It is
// safe for concurrent use.
type Deserializer[T any] struct {
	r        *serde.Reader
	validate bool
	plans    serde.Memo[serde.SchemaID, *plan]
}

// plan is what is known about a writer's schema: that it is JSON Schema, and its validator
// when records are validated.
type plan struct {
	validator *jsonschema.Schema // nil without validation
	rules     *serde.ReadRules   // nil: no rule runs on these records
}

// GenericDeserializer decodes records into dynamic values.
type GenericDeserializer = Deserializer[any]

// NewDeserializer returns a deserializer of records into T.
func NewDeserializer[T any](c *serde.Client, opts ...serde.Option) (*Deserializer[T], error) {
	r, err := serde.NewReader(c, opts...)
	if err != nil {
		return nil, err
	}
	r.SetFieldWalkers(walkers(c, r.Config()))
	return &Deserializer[T]{r: r, validate: r.Config().Validate}, nil
}

// NewGenericDeserializer returns a deserializer of records into dynamic values.
func NewGenericDeserializer(c *serde.Client, opts ...serde.Option) (*GenericDeserializer, error) {
	return NewDeserializer[any](c, opts...)
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
	p, ok := d.plans.Load(id)
	if !ok {
		if p, err = d.plan(ctx, id); err != nil {
			return id, err
		}
	}
	if p.rules.Encoding() {
		if body, err = d.r.RunEncoding(ctx, p.rules, body); err != nil {
			return id, err
		}
	}
	if p.validator != nil {
		if err := validate(p.validator, body); err != nil {
			return id, err
		}
	}
	var m *serde.Migration
	if p.rules.Migrates() {
		if m, body, err = d.migrate(ctx, id, p.rules, body); err != nil {
			return id, err
		}
	}
	if err := json.Unmarshal(body, v); err != nil {
		return id, fmt.Errorf("serde/jsonschema: decode a record written with schema %v: %w", id, err)
	}
	if p.rules.Domain() {
		return id, serde.ReadDomainAs(ctx, d.r, p.rules, m, v)
	}
	return id, nil
}

// plan fetches the writer's schema once per id and compiles it when validating.
func (d *Deserializer[T]) plan(ctx context.Context, id serde.SchemaID) (*plan, error) {
	ws, err := d.r.Schema(ctx, id)
	if err != nil {
		return nil, err
	}
	if ws.Type != sr.TypeJSON {
		return nil, fmt.Errorf("serde/jsonschema: schema %v is %s, not JSON Schema", id, ws.Type)
	}
	p := &plan{}
	if p.rules, err = d.r.Rules(ctx, id, title(ws.Schema)); err != nil {
		return nil, err
	}
	if d.validate {
		if p.validator, err = compile(ctx, d.r.Client(), ws.Schema, ws.References); err != nil {
			return nil, fmt.Errorf("writer schema %v: %w", id, err)
		}
	}
	d.plans.Store(id, p)
	return p, nil
}
