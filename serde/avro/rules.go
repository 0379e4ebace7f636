package avro

import (
	"context"
	"fmt"

	hamba "github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/rules"
)

// walkers builds the field walker of a registered Avro schema, for field-level rules.
func walkers(c *serde.Client, cfg serde.Config) serde.FieldWalkers {
	sel, pure := cfg.FieldSelector(), cfg.SelectField == nil
	return func(ctx context.Context, s sr.Schema) (rules.FieldWalker, error) {
		schema, err := parse(ctx, c, s.Schema, s.References)
		if err != nil {
			return nil, err
		}
		return newFieldWalker(schema, sel, pure), nil
	}
}

// migrated is how records migrated to one reader version are read: the migrated tree as a
// value of that version's schema, encoded, then decoded into T like any record of it.
type migrated[T any] struct {
	schema hamba.Schema // the reader version's
	dec    *decoder[T]
}

// migrate reads a record written with another version than the reader's (m's steps lead
// from one to the other), as Confluent's deserializers do: decoded with the writer's schema
// into a generic value, turned into a JSON tree, migrated, read as the reader version's
// schema, and decoded into v. The reader's domain rules run last, as on every record.
func (d *Deserializer[T]) migrate(ctx context.Context, id serde.SchemaID, plan *decoder[T], m *serde.Migration, body []byte, v *T) error {
	var generic any
	rd := d.readers.Get().(*hamba.Reader)
	err := plan.writer.decode(rd, body, &generic)
	d.readers.Put(rd)
	if err != nil {
		return fmt.Errorf("serde/avro: decode a record written with schema %v: %w", id, err)
	}
	tree, err := ToJSONTree(plan.writer.schema, generic)
	if err != nil {
		return err
	}
	if tree, err = d.r.Migrate(ctx, m, tree); err != nil {
		return err
	}
	reader, err := d.migratedReader(ctx, m.Reader)
	if err != nil {
		return err
	}
	if err := reader.read(d, tree, v); err != nil {
		return fmt.Errorf("serde/avro: read a record written with schema %v as version %d of %s: %w", id, m.Reader.Version, m.Subject, err)
	}
	return serde.ReadDomainAs(ctx, d.r, plan.rules, m, v)
}

// read decodes a migrated tree into v.
func (mr *migrated[T]) read(d *Deserializer[T], tree any, v *T) error {
	value, err := FromJSONTree(mr.schema, tree)
	if err != nil {
		return err
	}
	body, err := d.api.Marshal(mr.schema, value)
	if err != nil {
		return err
	}
	rd := d.readers.Get().(*hamba.Reader)
	err = mr.dec.decode(rd, body, v)
	d.readers.Put(rd)
	return err
}

// migratedReader builds, once per reader version, how migrated records are read.
func (d *Deserializer[T]) migratedReader(ctx context.Context, reader serde.Registered) (*migrated[T], error) {
	if mr, ok := d.migrated.Load(reader.ID); ok {
		return mr, nil
	}
	schema, err := parse(ctx, d.r.Client(), reader.Schema.Schema, reader.Schema.References)
	if err != nil {
		return nil, fmt.Errorf("serde/avro: reader version %d of %s: %w", reader.Version, reader.Subject, err)
	}
	id := serde.SchemaID{ID: reader.ID}
	dec, err := d.decoderFor(ctx, id, schema)
	if err != nil {
		return nil, err
	}
	if dec.unreadable != nil {
		return nil, dec.unreadable
	}
	mr := &migrated[T]{schema: schema, dec: dec}
	d.migrated.Store(reader.ID, mr)
	return mr, nil
}
