package exporter

import (
	"context"
	"maps"
	"slices"

	"github.com/accord-registry/accord/store"
)

// ManagerConfig configures a Manager.
type ManagerConfig struct {
	// MaxExporters bounds the number of exporters (default 10); a create past it is 40964.
	MaxExporters int
	// Secret is the password encoder secret (Confluent's password.encoder.secret): the
	// secret config values are stored encrypted with a key derived from it. "" keeps them
	// in clear at rest (they are still never answered).
	Secret string
}

// DefaultMaxExporters is the default bound on the number of exporters.
const DefaultMaxExporters = 10

// Manager is what the /exporters API does (Confluent's SchemaExporterResource): it checks
// and normalises definitions, enforces the lifecycle (pause before a change, resume only
// what is paused or failed), and writes through the catalog's Control, so that every change
// ends the run of the exporter's worker.
type Manager struct {
	cat *Catalog
	max int
	box secretBox
}

// NewManager returns the manager over cat. A Secret that cannot make a key (none can fail
// today) panics, as a programming error.
func NewManager(cat *Catalog, cfg ManagerConfig) *Manager {
	if cfg.MaxExporters <= 0 {
		cfg.MaxExporters = DefaultMaxExporters
	}
	box, err := newSecretBox(cfg.Secret)
	if err != nil {
		panic(err)
	}
	return &Manager{cat: cat, max: cfg.MaxExporters, box: box}
}

// Ready reports whether the exporters' stores have caught up with their logs.
func (m *Manager) Ready() bool { return m.cat.Configs.Ready() && m.cat.States.Ready() }

// Names returns the exporters' names, sorted.
func (m *Manager) Names(ctx context.Context) ([]string, error) {
	names, err := m.cat.Configs.Exporters(ctx)
	if names == nil {
		names = []string{}
	}
	return names, err
}

// Get returns an exporter's definition, its secret config values Masked (40450 when absent).
func (m *Manager) Get(ctx context.Context, name string) (store.Exporter, error) {
	e, err := m.cat.Configs.Exporter(ctx, name)
	if err != nil {
		return e, err
	}
	if clear, err := m.box.open(e.Config); err == nil {
		e.Config = clear // mask answers the URL with its password masked, not sealed whole
	}
	e.Config = mask(e.Config)
	return e, nil
}

// Config returns an exporter's config, its secret values Masked (40450 when absent).
func (m *Manager) Config(ctx context.Context, name string) (map[string]string, error) {
	e, err := m.Get(ctx, name)
	return e.Config, err
}

// Status returns an exporter's state (40450 when the exporter is not defined).
func (m *Manager) Status(ctx context.Context, name string) (store.ExporterState, error) {
	if _, err := m.cat.Configs.Exporter(ctx, name); err != nil {
		return store.ExporterState{}, err
	}
	return m.cat.State(ctx, name)
}

// Decrypt returns the definition with its secret config values in clear, for the worker that
// connects to the destination.
func (m *Manager) Decrypt(e store.Exporter) (store.Exporter, error) {
	config, err := m.box.open(e.Config)
	if err != nil {
		return e, err
	}
	e.Subjects = slices.Clone(e.Subjects)
	e.Config = config
	return e, nil
}

// Create checks and normalises a new definition and writes it with the state STARTING at
// offset -1, which the leader's runner picks up. It answers 40950, 40951 or 40952 for a bad
// definition, 40960 when the name is taken and 40964 past MaxExporters.
func (m *Manager) Create(ctx context.Context, e store.Exporter) error {
	if err := checkName(e.Name); err != nil {
		return err
	}
	e.Subjects, e.Config = slices.Clone(e.Subjects), maps.Clone(e.Config)
	if err := normalise(&e); err != nil {
		return err
	}
	return m.cat.Control(ctx, e.Name, func(ctx context.Context) error {
		names, err := m.cat.Configs.Exporters(ctx)
		if err != nil {
			return err
		}
		if slices.Contains(names, e.Name) {
			return store.Errorf(store.CodeExporterExists, "Exporter '%s' already exists.", e.Name)
		}
		if len(names) >= m.max {
			return store.Errorf(store.CodeTooManyExporters, "Too many exporters: the limit is %d.", m.max)
		}
		e.Config = m.box.seal(e.Config)
		if err := m.cat.Configs.PutExporter(ctx, e); err != nil {
			return err
		}
		return m.putState(ctx, store.ExporterState{Name: e.Name, State: store.ExporterStarting, Offset: -1})
	})
}

// Delete removes an exporter's definition and state, in any state (40450 when absent). Its
// worker stops at its next step.
func (m *Manager) Delete(ctx context.Context, name string) error {
	return m.cat.Control(ctx, name, func(ctx context.Context) error {
		if err := m.cat.Configs.DeleteExporter(ctx, name); err != nil {
			return err
		}
		return m.cat.States.DeleteExporterState(ctx, name)
	})
}

// putState writes st with TS now.
func (m *Manager) putState(ctx context.Context, st store.ExporterState) error {
	st.TS = m.cat.now().UnixMilli()
	return m.cat.States.PutExporterState(ctx, st)
}

// CatchUp waits until the exporters' stores have applied everything their logs hold now: a
// follower that forwarded a write to the leader then answers reads with it.
func (m *Manager) CatchUp(ctx context.Context) error {
	if err := m.cat.Configs.CatchUp(ctx); err != nil {
		return err
	}
	if m.cat.States == m.cat.Configs {
		return nil
	}
	return m.cat.States.CatchUp(ctx)
}
