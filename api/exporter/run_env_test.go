package exporter_test

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/accord-registry/accord/api"
	"github.com/accord-registry/accord/api/exporter"
	"github.com/accord-registry/accord/serde/sertest"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// env is a source registry (a store on a temporary file log, served over HTTP so that its
// answers can be compared), a catalog of exporters, and a destination registry (sertest)
// behind a proxy that counts writes, can be taken down and can hold writes back.
type env struct {
	source    *store.Store
	sourceURL string
	catalog   *exporter.Catalog
	dest      *sertest.Registry
	proxy     *destProxy
	proxyURL  string
	leading   atomic.Bool
	logs      *logWatch
	keys      *store.Store // the source's DEK Registry, nil unless a test sets it
	metrics   *exporter.Metrics
	registry  *prometheus.Registry
	timeout   time.Duration // the runner's RequestTimeout, 0 for its default
}

const sourceID = "src"

// waitFor bounds every wait of these tests; a healthy run needs a fraction of it.
const waitFor = 30 * time.Second

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{source: openStore(t, "source"), logs: &logWatch{}, registry: prometheus.NewRegistry()}
	e.metrics = exporter.NewMetrics(e.registry)
	e.leading.Store(true)
	srv := httptest.NewServer(api.New(api.Config{Store: e.source}))
	t.Cleanup(srv.Close)
	e.sourceURL = srv.URL
	states := openStore(t, "exporters")
	e.catalog = exporter.NewCatalog(states, states)
	e.dest = sertest.New(t)
	target, err := url.Parse(e.dest.URL())
	if err != nil {
		t.Fatal(err)
	}
	forward := httputil.NewSingleHostReverseProxy(target)
	forward.ErrorLog = log.New(io.Discard, "", 0)
	e.proxy = &destProxy{next: forward}
	p := httptest.NewServer(e.proxy)
	t.Cleanup(p.Close)
	e.proxyURL = p.URL
	return e
}

func openStore(t *testing.T, name string) *store.Store {
	t.Helper()
	log, err := filelog.Open(filepath.Join(t.TempDir(), name), filelog.Config{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), store.Config{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		st.Close()
		if err := log.Close(); err != nil {
			t.Error(err)
		}
	})
	return st
}

// run starts the runner; it stops when the test ends (or when the returned stop is called).
func (e *env) run(t *testing.T) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	cfg := exporter.RunnerConfig{Catalog: e.catalog, Source: e.source, Keys: e.keys, Metrics: e.metrics, Leading: e.leading.Load, SourceID: sourceID,
		Logger: slog.New(e.logs), RetryMin: 5 * time.Millisecond, RetryMax: 50 * time.Millisecond, RequestTimeout: e.timeout}
	go func() {
		defer close(done)
		if err := exporter.Run(ctx, cfg); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// create defines an exporter towards the destination (through the proxy), STARTING at -1,
// as the API's Create does.
func (e *env) create(t *testing.T, x store.Exporter) {
	t.Helper()
	if x.Config == nil {
		x.Config = map[string]string{"schema.registry.url": e.proxyURL}
	}
	e.control(t, x.Name, func(ctx context.Context) error {
		if err := e.catalog.Configs.PutExporter(ctx, x); err != nil {
			return err
		}
		return e.catalog.States.PutExporterState(ctx, store.ExporterState{Name: x.Name, State: store.ExporterStarting, Offset: -1})
	})
}

func (e *env) control(t *testing.T, name string, change func(ctx context.Context) error) {
	t.Helper()
	if err := e.catalog.Control(context.Background(), name, change); err != nil {
		t.Fatal(err)
	}
}

// setState writes an exporter's state under Control, keeping the offset unless offset is
// given (as the API's pause, resume and reset do).
func (e *env) setState(t *testing.T, name, state string, offset ...int64) {
	t.Helper()
	e.control(t, name, func(ctx context.Context) error {
		st, err := e.catalog.State(ctx, name)
		if err != nil {
			return err
		}
		st.State, st.Trace = state, ""
		if len(offset) > 0 {
			st.Offset = offset[0]
		}
		return e.catalog.States.PutExporterState(ctx, st)
	})
}

func (e *env) state(t *testing.T, name string) store.ExporterState {
	t.Helper()
	st, err := e.catalog.State(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// caughtUp waits until the exporter is RUNNING at the source's offset.
func (e *env) caughtUp(t *testing.T, name string) store.ExporterState {
	t.Helper()
	var st store.ExporterState
	eventually(t, "exporter "+name+" to catch up", func() bool {
		st = e.state(t, name)
		if st.State == store.ExporterError {
			t.Fatalf("exporter %s in ERROR: %s", name, st.Trace)
		}
		return st.State == store.ExporterRunning && st.Offset >= e.source.Offset()
	}, func() string { return describeState(st) + "; source at " + jsonString(e.source.Offset()) })
	return st
}

// inState waits until the exporter is in state.
func (e *env) inState(t *testing.T, name, state string) store.ExporterState {
	t.Helper()
	var st store.ExporterState
	eventually(t, "exporter "+name+" to be "+state, func() bool {
		st = e.state(t, name)
		return st.State == state
	}, func() string { return describeState(st) })
	return st
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func describeState(st store.ExporterState) string { return jsonString(st) }

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// eventually polls cond until it holds, failing the test after waitFor.
func eventually(t *testing.T, what string, cond func() bool, last func() string) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s; last seen: %s", waitFor, what, last())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// destProxy forwards to the destination, counting the requests that may change it. While
// down it drops every connection; while held, writes wait until released.
type destProxy struct {
	next   http.Handler
	writes atomic.Int64
	reads  atomic.Int64
	down   atomic.Bool

	mu      sync.Mutex
	hold    chan struct{} // non-nil: writes wait for it to close
	blocked chan struct{} // receives when a write starts waiting
}

func (p *destProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.down.Load() {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		http.Error(w, "down", http.StatusBadGateway)
		return
	}
	if r.Method != http.MethodGet {
		p.mu.Lock()
		hold, blocked := p.hold, p.blocked
		p.mu.Unlock()
		if hold != nil {
			select {
			case blocked <- struct{}{}:
			default:
			}
			<-hold
		}
		p.writes.Add(1)
	} else {
		p.reads.Add(1)
	}
	p.next.ServeHTTP(w, r)
}

// holdWrites makes writes wait; it returns a channel that receives when one does, and the
// function that lets them through.
func (p *destProxy) holdWrites() (blocked <-chan struct{}, release func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	hold, b := make(chan struct{}), make(chan struct{}, 1)
	p.hold, p.blocked = hold, b
	var once sync.Once
	return b, func() {
		once.Do(func() {
			p.mu.Lock()
			p.hold = nil
			p.mu.Unlock()
			close(hold)
		})
	}
}

// logWatch is a slog handler that keeps the messages, for tests to wait on.
type logWatch struct {
	mu   sync.Mutex
	msgs []string
}

func (l *logWatch) Enabled(context.Context, slog.Level) bool { return true }
func (l *logWatch) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, r.Message)
	return nil
}
func (l *logWatch) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logWatch) WithGroup(string) slog.Handler      { return l }

// count returns how many messages equal msg.
func (l *logWatch) count(msg string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, m := range l.msgs {
		if m == msg {
			n++
		}
	}
	return n
}

// call makes an HTTP request and returns the status and the trimmed body.
func call(t *testing.T, method, target, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// mustCall is call that fails the test unless the answer is 200.
func mustCall(t *testing.T, method, target, body string) string {
	t.Helper()
	status, out := call(t, method, target, body)
	if status != http.StatusOK {
		t.Fatalf("%s %s: %d %s", method, target, status, out)
	}
	return out
}
