package jsonschema

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/rules"
)

// walkers builds the field walker of a registered JSON Schema, for field-level rules.
func walkers(c *serde.Client, cfg serde.Config) serde.FieldWalkers {
	sel := cfg.FieldSelector()
	return func(ctx context.Context, s sr.Schema) (rules.FieldWalker, error) {
		schema, err := compile(ctx, c, s.Schema, s.References)
		if err != nil {
			return nil, err
		}
		return fieldWalker(schema, sel), nil
	}
}

// migrate finds the reader's version a record read with rr is read as, and returns body
// migrated to it when it was written with another and the versions between have migration
// rules, as Confluent's deserializers do: the record (validated with the writer's schema,
// when asked) is decoded into a JSON tree, migrated, and encoded again, to be decoded into
// the reader's type. Otherwise body is returned as it is.
func (d *Deserializer[T]) migrate(ctx context.Context, id serde.SchemaID, rr *serde.ReadRules, body []byte) (*serde.Migration, []byte, error) {
	m, err := d.r.Migration(ctx, rr)
	if err != nil || !m.Needed() {
		return m, body, err
	}
	tree, err := DecodeJSONTree(body)
	if err != nil {
		return nil, nil, fmt.Errorf("serde/jsonschema: decode a record written with schema %v: %w", id, err)
	}
	if tree, err = d.r.Migrate(ctx, m, tree); err != nil {
		return nil, nil, err
	}
	body, err = EncodeJSONTree(tree)
	return m, body, err
}
