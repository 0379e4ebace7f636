package avro

import (
	"context"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/rules"
)

// walkers builds the field walker of a registered Avro schema, for field-level rules.
func walkers(c *serde.Client, cfg serde.Config) serde.FieldWalkers {
	sel := cfg.FieldSelector()
	return func(ctx context.Context, s sr.Schema) (rules.FieldWalker, error) {
		schema, err := parse(ctx, c, s.Schema, s.References)
		if err != nil {
			return nil, err
		}
		return fieldWalker(schema, sel), nil
	}
}
