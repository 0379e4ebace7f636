package store

import (
	"context"
	"maps"
	"slices"
)

// The exporters' store: definitions and states, each an atomic record write. The rules of
// the API (names, lifecycle, limits) are the exporter package's; the store only keeps what
// it is given, and reports 40450 for an exporter it does not have.

func errExporterNotFound(name string) *Error {
	return Errorf(CodeExporterNotFound, "Exporter '%s' not found.", name)
}

// Exporters returns the names of the defined exporters, sorted.
func (s *Store) Exporters(ctx context.Context) ([]string, error) {
	var names []string
	err := s.read(ctx, func(st *state) error {
		names = st.exporterNames()
		return nil
	})
	return names, err
}

// Exporter returns an exporter's definition, or 40450.
func (s *Store) Exporter(ctx context.Context, name string) (Exporter, error) {
	var out Exporter
	err := s.read(ctx, func(st *state) error {
		e := st.exporter(name)
		if e == nil {
			return errExporterNotFound(name)
		}
		out = cloneExporter(*e)
		return nil
	})
	return out, err
}

// PutExporter writes an exporter's definition, creating or replacing it.
func (s *Store) PutExporter(ctx context.Context, e Exporter) error {
	e = cloneExporter(e)
	return s.writeLocked(ctx, func(*state) ([]Record, error) { return []Record{exporterRecord(&e)}, nil })
}

// DeleteExporter removes an exporter's definition (40450 when there is none).
func (s *Store) DeleteExporter(ctx context.Context, name string) error {
	return s.writeLocked(ctx, func(st *state) ([]Record, error) {
		if st.exporter(name) == nil {
			return nil, errExporterNotFound(name)
		}
		return []Record{{Key: encodeExporterKey(keyExporter, name)}}, nil
	})
}

// ExporterState returns an exporter's state, or 40450 when none was written.
func (s *Store) ExporterState(ctx context.Context, name string) (ExporterState, error) {
	var out ExporterState
	err := s.read(ctx, func(st *state) error {
		e := st.exporterState(name)
		if e == nil {
			return errExporterNotFound(name)
		}
		out = *e
		return nil
	})
	return out, err
}

// PutExporterState writes an exporter's state.
func (s *Store) PutExporterState(ctx context.Context, es ExporterState) error {
	return s.writeLocked(ctx, func(*state) ([]Record, error) { return []Record{exporterStateRecord(&es)}, nil })
}

// DeleteExporterState removes an exporter's state; removing none is not an error.
func (s *Store) DeleteExporterState(ctx context.Context, name string) error {
	return s.writeLocked(ctx, func(st *state) ([]Record, error) {
		if st.exporterState(name) == nil {
			return nil, nil
		}
		return []Record{{Key: encodeExporterKey(keyExporterState, name)}}, nil
	})
}

func cloneExporter(e Exporter) Exporter {
	e.Subjects = slices.Clone(e.Subjects)
	e.Config = maps.Clone(e.Config)
	return e
}
