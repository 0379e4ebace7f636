package store

import "context"

// WrappedDeks returns every DEK whose subject keep accepts, soft-deleted ones included, in
// key order (KEK, subject, algorithm, version), as stored: never unwrapped, so that an
// exporter copies the DEKs of shared KEKs without calling their KMS.
func (s *Store) WrappedDeks(ctx context.Context, keep func(subject string) bool) ([]Dek, error) {
	var out []Dek
	err := s.read(ctx, func(st *state) error {
		for _, id := range st.dekIDs(func(id dekID, _ *Dek) bool { return keep(id.subject) }) {
			out = append(out, *st.deks[id])
		}
		return nil
	})
	return out, err
}
