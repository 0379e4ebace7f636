package store

import (
	"context"

	"github.com/accord-registry/accord/compat"
)

// Render returns the text of a stored schema in the requested format. For Avro, "resolved"
// inlines the named types of its references; every other format (including "default" and
// unknown ones, which Confluent silently accepts) is the stored canonical text.
func (s *Store) Render(ctx context.Context, sc Schema, format string) (string, error) {
	if format != "resolved" || sc.Type != compat.TypeAvro || len(sc.References) == 0 {
		return sc.Text, nil
	}
	var out string
	err := s.read(ctx, func(st *state) error {
		q := parseSubject(sc.Subject)
		parsed, _, err := st.parse(q.ctx, sc.Type, sc.Text, sc.References, compat.ParseOptions{}, true)
		if err != nil {
			return err
		}
		out = parsed.Resolved()
		return nil
	})
	return out, err
}
