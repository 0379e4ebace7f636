package exporter

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/accord-registry/accord/store"
)

// ErrSuperseded is returned to a worker whose run was ended by a change of its exporter
// (paused, updated, reset, deleted) since it started: it must stop without writing.
var ErrSuperseded = errors.New("exporter: the exporter changed since this run started")

// Catalog is where exporters are kept: definitions in Configs, states in States (the same
// store on the embedded log; `_exporter_configs` and `_exporter_states` on Kafka). Only the
// leader writes. In that process every change goes through the catalog's lock, and each
// change the API makes starts a new generation of the exporter: a worker started in an
// earlier one can no longer write, so a pause, reset or update is never overwritten by the
// progress of a run it ended.
type Catalog struct {
	Configs *store.Store
	States  *store.Store
	now     func() time.Time

	mu  sync.Mutex
	gen map[string]uint64
}

// NewCatalog returns the catalog over configs and states (which may be the same store).
func NewCatalog(configs, states *store.Store) *Catalog {
	return &Catalog{Configs: configs, States: states, now: time.Now, gen: map[string]uint64{}}
}

// Generation returns the exporter's current generation, which a worker records when it
// starts and passes to Progress.
func (c *Catalog) Generation(name string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen[name]
}

// Control runs change under the catalog's lock and ends the exporter's current generation.
// It is how the API creates, updates, pauses, resumes, resets and deletes: change reads and
// writes the stores itself.
func (c *Catalog) Control(ctx context.Context, name string, change func(ctx context.Context) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen[name]++
	return change(ctx)
}

// Progress is how a worker of generation gen changes its exporter's state: change gets the
// current state (Name set and Offset -1 when none was written) and edits it; the result is
// written with TS set to now, unless change returns an error. It fails with ErrSuperseded,
// writing nothing, when the generation has ended.
func (c *Catalog) Progress(ctx context.Context, name string, gen uint64, change func(cur *store.ExporterState) error) (store.ExporterState, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen[name] != gen {
		return store.ExporterState{}, ErrSuperseded
	}
	cur, err := c.State(ctx, name)
	if err != nil {
		return cur, err
	}
	if err := change(&cur); err != nil {
		return cur, err
	}
	cur.TS = c.now().UnixMilli()
	return cur, c.States.PutExporterState(ctx, cur)
}

// State returns the exporter's state; one never written is STARTING at offset -1.
func (c *Catalog) State(ctx context.Context, name string) (store.ExporterState, error) {
	st, err := c.States.ExporterState(ctx, name)
	var se *store.Error
	if errors.As(err, &se) && se.Code == store.CodeExporterNotFound {
		return store.ExporterState{Name: name, State: store.ExporterStarting, Offset: -1}, nil
	}
	return st, err
}
