package exporter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/accord-registry/accord/store"
)

// worker runs one exporter for one generation: it connects to the destination (STARTING,
// retrying with backoff while the destination cannot be reached), makes sure the target
// context takes imported ids, then (RUNNING) reconciles every subject that changed since
// the persisted offset and waits for the source to advance. A refusal of the destination
// puts the exporter in ERROR, with a trace naming what was being copied, and ends the
// worker; so does the end of its generation, without writing anything.
type worker struct {
	cfg      RunnerConfig
	name     string
	gen      uint64
	log      *slog.Logger
	offset   int64 // the persisted offset: the destination holds the source through it
	keysAt   int64 // the Keys offset through which keys were copied; -2 before the first copy
	behind   time.Time
	ensureMu sync.Mutex
	ensured  map[string]bool // destination contexts known to be in IMPORT mode
}

func newWorker(cfg RunnerConfig, name string, gen uint64) *worker {
	return &worker{cfg: cfg, name: name, gen: gen, log: cfg.Logger.With("exporter", name), keysAt: -2}
}

// permanentError is a failure that retrying cannot cure (a bad definition).
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

func (w *worker) run(ctx context.Context) {
	backoff := w.cfg.RetryMin
	for ctx.Err() == nil {
		err := w.session(ctx, &backoff)
		var perm permanentError
		switch {
		case ctx.Err() != nil || errors.Is(err, ErrSuperseded):
			return
		case !errors.As(err, &perm) && Retryable(err):
			w.cfg.Metrics.Failed(w.name)
			w.log.Warn("destination unreachable", "error", err, "retry", backoff)
			trace := fmt.Sprintf("destination unreachable: %v; retrying in %s", err, backoff)
			if w.setState(ctx, store.ExporterStarting, trace) != nil {
				return
			}
			if !sleep(ctx, backoff) {
				return
			}
			backoff = min(2*backoff, w.cfg.RetryMax)
		default:
			w.cfg.Metrics.Failed(w.name)
			w.log.Error("exporter failed", "error", err)
			_ = w.setState(ctx, store.ExporterError, err.Error())
			return
		}
	}
}

// session is one connection to the destination, until it fails or ctx ends.
func (w *worker) session(ctx context.Context, backoff *time.Duration) error {
	st, err := w.cfg.Catalog.State(ctx, w.name)
	if err != nil {
		return err
	}
	w.offset = st.Offset
	def, err := w.cfg.Catalog.Configs.Exporter(ctx, w.name)
	if err != nil {
		return permanentError{err}
	}
	if def, err = w.cfg.Decrypt(def); err != nil {
		return permanentError{fmt.Errorf("reading the exporter's config: %w", err)}
	}
	dest, err := NewDestination(def.Config)
	if err != nil {
		return permanentError{fmt.Errorf("exporter config: %w", err)}
	}
	defer dest.Close()
	dest.SetTimeout(w.cfg.RequestTimeout)
	if err := w.checkNotSource(ctx, dest, st); err != nil {
		return err
	}
	w.ensured = map[string]bool{}
	r := &reconciler{source: w.cfg.Source, dest: dest, m: newMapping(def, w.cfg.SourceID), ids: &knownIDs{m: map[string]int{}}}
	r.ensureContext = func(ctx context.Context, destContext string) error { return w.ensureImport(ctx, dest, destContext) }
	if r.m.target != "" {
		if err := r.ensureContext(ctx, r.m.target); err != nil {
			return err
		}
	}
	if err := w.setState(ctx, store.ExporterRunning, ""); err != nil {
		return err
	}
	for {
		source := w.cfg.Source.Advanced()
		var keys <-chan struct{}
		if w.cfg.Keys != nil {
			keys = w.cfg.Keys.Advanced()
		}
		if err := w.pass(ctx, r, def); err != nil {
			return err
		}
		*backoff = w.cfg.RetryMin
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-source:
		case <-keys:
		}
	}
}

// setState writes the exporter's state and trace, keeping its offset.
func (w *worker) setState(ctx context.Context, state, trace string) error {
	_, err := w.cfg.Catalog.Progress(ctx, w.name, w.gen, func(cur *store.ExporterState) error {
		if cur.State == store.ExporterPaused {
			return ErrSuperseded
		}
		cur.State, cur.Trace = state, trace
		return nil
	})
	if err == nil {
		w.cfg.Metrics.SetState(w.name, state)
	}
	return err
}

// progress records that the destination holds the source through offset.
func (w *worker) progress(ctx context.Context, offset int64) error {
	_, err := w.cfg.Catalog.Progress(ctx, w.name, w.gen, func(cur *store.ExporterState) error {
		if cur.State == store.ExporterPaused {
			return ErrSuperseded
		}
		cur.State, cur.Offset, cur.Trace = store.ExporterRunning, offset, ""
		return nil
	})
	if err == nil {
		w.offset = offset
	}
	return err
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
