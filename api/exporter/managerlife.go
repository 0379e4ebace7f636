package exporter

import (
	"context"
	"maps"
	"slices"

	"github.com/accord-registry/accord/store"
)

// The lifecycle clients drive (Terraform's provider, Confluent's CLI): an exporter runs from
// its creation; to change it they pause it, update it or its config, optionally reset it,
// and resume it. Confluent refuses a change of a running exporter (40963) and a resume of a
// running one (40961).

// Update is a change of an exporter's definition (Confluent's ExporterUpdateRequest): a nil
// field keeps its value.
type Update struct {
	ContextType         *string
	Context             *string
	Subjects            *[]string
	SubjectRenameFormat *string
	KekRenameFormat     *string
	// Config replaces the whole config; a Masked value keeps the stored value of its key.
	Config *map[string]string
}

// Update changes a paused or failed exporter's definition (40963 otherwise, 40450 when
// absent); the result is checked as a create's is.
func (m *Manager) Update(ctx context.Context, name string, u Update) error {
	return m.change(ctx, name, func(e *store.Exporter) {
		if u.ContextType != nil {
			e.ContextType = *u.ContextType
		}
		if u.Context != nil {
			e.Context = *u.Context
		}
		if u.Subjects != nil {
			e.Subjects = slices.Clone(*u.Subjects)
		}
		if u.SubjectRenameFormat != nil {
			e.SubjectRenameFormat = *u.SubjectRenameFormat
		}
		if u.KekRenameFormat != nil {
			e.KekRenameFormat = *u.KekRenameFormat
		}
		if u.Config != nil {
			e.Config = keepMasked(*u.Config, e.Config)
		}
	})
}

// SetConfig replaces a paused or failed exporter's config (40963 otherwise); a Masked value
// keeps the stored value of its key.
func (m *Manager) SetConfig(ctx context.Context, name string, cfg map[string]string) error {
	return m.change(ctx, name, func(e *store.Exporter) { e.Config = keepMasked(cfg, e.Config) })
}

// change applies edit to a paused or failed exporter's definition, checks the result and
// writes it. edit sees the stored config in clear; the result is sealed again.
func (m *Manager) change(ctx context.Context, name string, edit func(*store.Exporter)) error {
	return m.cat.Control(ctx, name, func(ctx context.Context) error {
		e, err := m.cat.Configs.Exporter(ctx, name)
		if err != nil {
			return err
		}
		if err := m.requirePaused(ctx, name); err != nil {
			return err
		}
		if e.Config, err = m.box.open(e.Config); err != nil {
			return err
		}
		edit(&e)
		checked := e
		if err := normalise(&checked); err != nil {
			return err
		}
		checked.Config = m.box.seal(e.Config)
		return m.cat.Configs.PutExporter(ctx, checked)
	})
}

// keepMasked returns next with every Masked value of a secret key replaced by old's value,
// and the URL list kept when it comes back as read (its passwords masked).
func keepMasked(next, old map[string]string) map[string]string {
	out := maps.Clone(next)
	for k, v := range out {
		prev, ok := old[k]
		switch {
		case !ok:
		case v == Masked && IsSecretKey(k):
			out[k] = prev
		case k == URLKey && v != prev && v == maskURLs(prev):
			out[k] = prev // the URL as read, its password masked
		}
	}
	return out
}

// requirePaused answers 40963 unless the exporter is PAUSED or in ERROR.
func (m *Manager) requirePaused(ctx context.Context, name string) error {
	st, err := m.cat.State(ctx, name)
	if err != nil {
		return err
	}
	if st.State != store.ExporterPaused && st.State != store.ExporterError {
		return store.Errorf(store.CodeExporterNotPaused, "Exporter '%s' is %s; pause it first.", name, st.State)
	}
	return nil
}

// Pause stops an exporter, keeping its offset (a paused one stays so, and answers as a
// success).
func (m *Manager) Pause(ctx context.Context, name string) error {
	return m.lifecycle(ctx, name, func(st *store.ExporterState) (bool, error) {
		if st.State == store.ExporterPaused {
			return false, nil
		}
		st.State, st.Trace = store.ExporterPaused, ""
		return true, nil
	})
}

// Resume starts a paused or failed exporter again from its offset (40961 when it is
// starting or running).
func (m *Manager) Resume(ctx context.Context, name string) error {
	return m.lifecycle(ctx, name, func(st *store.ExporterState) (bool, error) {
		if st.State != store.ExporterPaused && st.State != store.ExporterError {
			return false, store.Errorf(store.CodeExporterRunning, "Exporter '%s' is already running.", name)
		}
		st.State, st.Trace = store.ExporterStarting, ""
		return true, nil
	})
}

// Reset sets a paused or failed exporter's offset back to -1, so that its next run
// reconciles every subject from the start (40963 otherwise).
func (m *Manager) Reset(ctx context.Context, name string) error {
	return m.lifecycle(ctx, name, func(st *store.ExporterState) (bool, error) {
		if st.State != store.ExporterPaused && st.State != store.ExporterError {
			return false, store.Errorf(store.CodeExporterNotPaused, "Exporter '%s' is %s; pause it first.", name, st.State)
		}
		st.Offset = -1
		return true, nil
	})
}

// lifecycle applies step to a defined exporter's state under Control and writes it when step
// says it changed.
func (m *Manager) lifecycle(ctx context.Context, name string, step func(*store.ExporterState) (bool, error)) error {
	return m.cat.Control(ctx, name, func(ctx context.Context) error {
		if _, err := m.cat.Configs.Exporter(ctx, name); err != nil {
			return err
		}
		st, err := m.cat.State(ctx, name)
		if err != nil {
			return err
		}
		changed, err := step(&st)
		if err != nil || !changed {
			return err
		}
		return m.putState(ctx, st)
	})
}
