package exporter

import (
	"context"
	"time"

	"github.com/accord-registry/accord/store"
)

// supervisor keeps one worker per exporter that should run.
type supervisor struct {
	cfg     RunnerConfig
	workers map[string]*running
	known   map[string]bool // exporters whose metrics were set
	exited  chan struct{}   // a worker stopped on its own
	// idle holds, for an exporter whose worker ended on its own (its generation did not
	// end) while its state still says it should run (the state could not be written: a fenced leader, a full disk), when a
	// new worker may start: one per resyncEvery, not one at once and forever.
	idle map[string]idleUntil
}

// idleUntil is when a new worker of generation gen may start.
type idleUntil struct {
	at  time.Time
	gen uint64
}

// running is a started worker.
type running struct {
	gen    uint64
	cancel context.CancelFunc
	done   chan struct{}
}

func newSupervisor(cfg RunnerConfig) *supervisor {
	return &supervisor{cfg: cfg, workers: map[string]*running{}, known: map[string]bool{}, exited: make(chan struct{}, 1),
		idle: map[string]idleUntil{}}
}

// sync starts and stops workers to match the catalog and the leadership.
func (s *supervisor) sync(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	if s.cfg.Leading != nil && !s.cfg.Leading() {
		if len(s.workers) > 0 {
			s.cfg.Logger.Info("not leading: stopping the exporters")
		}
		s.stopAll()
		return
	}
	want, err := s.runnable(ctx)
	if err != nil {
		s.cfg.Logger.Warn("reading the exporters", "error", err)
		return
	}
	now := time.Now()
	for name, w := range s.workers {
		if finished(w) && w.gen == s.cfg.Catalog.Generation(name) {
			s.idle[name] = idleUntil{at: now.Add(resyncEvery), gen: w.gen}
		}
		if gen, ok := want[name]; !ok || finished(w) || w.gen != gen || gen != s.cfg.Catalog.Generation(name) {
			s.stop(name)
		}
	}
	for name, gen := range want {
		if idle, ok := s.idle[name]; ok && idle.gen == gen && now.Before(idle.at) {
			continue
		}
		if s.workers[name] == nil {
			delete(s.idle, name)
			s.start(ctx, name, gen)
		}
	}
}

// runnable returns the exporters that should run, with the generation in which their state
// was read, and keeps the state metric of every exporter. The generation is taken before
// the state is read: a worker started for it cannot write over a change the API makes
// after the read.
func (s *supervisor) runnable(ctx context.Context) (map[string]uint64, error) {
	names, err := s.cfg.Catalog.Configs.Exporters(ctx)
	if err != nil {
		return nil, err
	}
	want := map[string]uint64{}
	seen := map[string]bool{}
	for _, name := range names {
		gen := s.cfg.Catalog.Generation(name)
		st, err := s.cfg.Catalog.State(ctx, name)
		if err != nil {
			return nil, err
		}
		seen[name] = true
		s.known[name] = true
		s.cfg.Metrics.SetState(name, st.State)
		if st.State != store.ExporterPaused && st.State != store.ExporterError {
			want[name] = gen
		}
	}
	for name := range s.known {
		if !seen[name] {
			delete(s.known, name)
			s.cfg.Metrics.Forget(name)
		}
	}
	return want, nil
}

func (s *supervisor) start(ctx context.Context, name string, gen uint64) {
	wctx, cancel := context.WithCancel(ctx)
	w := &running{gen: gen, cancel: cancel, done: make(chan struct{})}
	s.workers[name] = w
	s.cfg.Logger.Info("exporter starting", "exporter", name)
	go func() {
		defer close(w.done)
		newWorker(s.cfg, name, w.gen).run(wctx)
		select {
		case s.exited <- struct{}{}:
		default:
		}
	}()
}

// stop ends a worker and waits for it.
func (s *supervisor) stop(name string) {
	w := s.workers[name]
	w.cancel()
	<-w.done
	delete(s.workers, name)
	s.cfg.Logger.Info("exporter stopped", "exporter", name)
}

func (s *supervisor) stopAll() {
	for name := range s.workers {
		s.stop(name)
	}
}

func finished(w *running) bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}
