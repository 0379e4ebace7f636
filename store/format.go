package store

import (
	"context"

	"github.com/accord-registry/accord/compat"
)

// Render returns the text of a stored schema in the requested format: Avro's "resolved"
// (referenced named types inlined), Protobuf's "serialized" and "ignore_extensions". Every
// other format, "default" and unknown ones included (Confluent accepts them silently), is the
// stored canonical text.
func (s *Store) Render(ctx context.Context, sc Schema, format string) (string, error) {
	if format == "" || format == "default" {
		return sc.Text, nil
	}
	out := sc.Text
	err := s.read(ctx, func(st *state) error {
		// Formats other than the stored text may inline what the references bring in.
		if err := st.allowReferences(ctx, parseSubject(sc.Subject).ctx, sc.References); err != nil {
			return err
		}
		parsed, err := st.parsedSchema(sc)
		if err != nil {
			return err
		}
		if text, ok := parsed.Format(format); ok {
			out = text
		}
		return nil
	})
	return out, err
}

// parsedSchema returns the parsed form of a stored schema: the version's cached parse when the
// version is still there, otherwise a fresh one.
func (st *state) parsedSchema(sc Schema) (*compat.Schema, error) {
	if v := st.subjects[sc.Subject][sc.Version]; v != nil && v.id == sc.ID {
		return st.parsedVersion(v)
	}
	parsed, _, err := st.parse(parseSubject(sc.Subject).ctx, sc.Type, sc.Text, sc.References, compat.ParseOptions{}, true)
	return parsed, err
}
