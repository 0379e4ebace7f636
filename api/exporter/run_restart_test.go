package exporter_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accord-registry/accord/api/exporter"
	"github.com/accord-registry/accord/store"
)

// refusingLog is a shared log whose writes can be refused, as a Kafka topic refuses a
// leader that a newer one fenced before the election told it.
type refusingLog struct {
	refuse atomic.Bool
	mu     sync.Mutex
	recs   []store.Record
	more   chan struct{}
}

func newRefusingLog() *refusingLog { return &refusingLog{more: make(chan struct{})} }

func (l *refusingLog) Follow(ctx context.Context, fn func([]store.Record) []int64) error {
	next := 0
	for {
		l.mu.Lock()
		recs, more := l.recs[next:], l.more
		l.mu.Unlock()
		if len(recs) > 0 {
			fn(recs)
			next += len(recs)
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-more:
		}
	}
}

func (l *refusingLog) Barrier(_ context.Context, write bool) (int64, error) {
	if write && l.refuse.Load() {
		return 0, store.ErrNotLeader
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return int64(len(l.recs)) - 1, nil
}

func (l *refusingLog) Append(_ context.Context, recs []store.Record) (int64, error) {
	if l.refuse.Load() {
		return 0, store.ErrNotLeader
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range recs {
		recs[i].Offset = int64(len(l.recs))
		recs[i].Timestamp = time.Now()
		l.recs = append(l.recs, recs[i])
	}
	close(l.more)
	l.more = make(chan struct{})
	return int64(len(l.recs)) - 1, nil
}

// TestExporterFailingStateIsNotRestartedInALoop: when the exporters' states cannot be
// written (a fenced leader, a full disk), a worker ends without recording why; the runner
// starts it again at most once a second, not at once and forever.
func TestExporterFailingStateIsNotRestartedInALoop(t *testing.T) {
	e := newEnv(t)
	shared := newRefusingLog()
	states, err := store.Open(context.Background(), store.Config{Shared: shared})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(states.Close)
	if err := states.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.catalog = exporter.NewCatalog(e.catalog.Configs, states)
	e.apply(t, step{"POST", "/subjects/a/versions", `{"schema":"\"int\""}`})
	e.create(t, store.Exporter{Name: "dr", Subjects: []string{"*"}})
	e.run(t)
	e.caughtUp(t, "dr")
	shared.refuse.Store(true)
	started := e.logs.count("exporter starting")
	e.apply(t, step{"POST", "/subjects/b/versions", `{"schema":"\"string\""}`})
	time.Sleep(1500 * time.Millisecond)
	if n := e.logs.count("exporter starting") - started; n > 3 {
		t.Errorf("the worker was started %d times in 1.5 s while its state could not be written", n)
	}
}
