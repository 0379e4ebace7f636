package jsonschema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
)

// Serializer writes values of type T as JSON records in Confluent's wire format. It is safe
// for concurrent use.
type Serializer[T any] struct {
	serde.Serializer[T] // Serialize, Append, SerializeWithHeaders

	w        *serde.Writer
	text     string
	name     string
	refs     []sr.SchemaReference
	validate bool

	validators serde.Memo[int32, *jsonschema.Schema] // per target id
}

// GenericSerializer writes any value encoding/json can encode.
type GenericSerializer = Serializer[any]

// NewSerializer returns a serializer of T under the JSON Schema text.
func NewSerializer[T any](c *serde.Client, schema string, opts ...serde.Option) (*Serializer[T], error) {
	w, err := serde.NewWriter(c, opts...)
	if err != nil {
		return nil, err
	}
	if !json.Valid([]byte(schema)) {
		return nil, errors.New("serde/jsonschema: the schema is not JSON")
	}
	cfg := w.Config()
	s := &Serializer[T]{w: w, text: schema, name: title(schema), refs: cfg.References, validate: cfg.Validate}
	s.Serializer = serde.NewSerializer(w, s.encode)
	w.SetFieldWalkers(walkers(c, cfg))
	return s, nil
}

// NewGenericSerializer returns a serializer of dynamic values under the JSON Schema text.
func NewGenericSerializer(c *serde.Client, schema string, opts ...serde.Option) (*GenericSerializer, error) {
	return NewSerializer[any](c, schema, opts...)
}

// encode appends the prefix and the JSON text, validated first when asked.
func (s *Serializer[T]) encode(ctx context.Context, buf []byte, topic string, v T) ([]byte, *serde.Target, []int, error) {
	t, ok := s.w.Cached(topic, s.name)
	if !ok {
		var err error
		if t, err = s.w.Resolve(ctx, topic, s.name, sr.Schema{Schema: s.text, Type: sr.TypeJSON, References: s.refs}); err != nil {
			return buf, nil, nil, err
		}
	}
	if t.RunsRules() {
		var err error
		if v, err = serde.WriteDomain(ctx, s.w, topic, t, v); err != nil {
			return buf, nil, nil, err
		}
	}
	body, err := json.Marshal(v)
	if err != nil {
		return buf, nil, nil, fmt.Errorf("serde/jsonschema: encode %T: %w", v, err)
	}
	if s.validate {
		validator, err := s.validator(ctx, t)
		if err != nil {
			return buf, nil, nil, err
		}
		if err := validate(validator, body); err != nil {
			return buf, nil, nil, err
		}
	}
	if t.RunsRules() {
		if body, err = s.w.RunEncoding(ctx, topic, t, body); err != nil {
			return buf, nil, nil, err
		}
	}
	buf = slices.Grow(buf, 17+len(body))
	buf = s.w.AppendPrefix(buf, t, nil)
	return append(buf, body...), t, nil, nil
}

// validator is the compiled schema values written for t are checked against: the
// serializer's own, or the one chosen by id or as the latest version.
func (s *Serializer[T]) validator(ctx context.Context, t *serde.Target) (*jsonschema.Schema, error) {
	if v, ok := s.validators.Load(t.ID); ok {
		return v, nil
	}
	text, refs := s.text, s.refs
	if !t.Own {
		text, refs = t.Schema.Schema, t.Schema.References
	}
	v, err := compile(ctx, s.w.Client(), text, refs)
	if err != nil {
		return nil, err
	}
	s.validators.Store(t.ID, v)
	return v, nil
}
