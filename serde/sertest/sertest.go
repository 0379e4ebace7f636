package sertest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/api"
	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// Registry is a real Accord schema registry running in this process.
type Registry struct {
	url      string
	sr       *sr.Client
	dir      string
	log      *filelog.Log
	store    *store.Store
	keysLog  *filelog.Log // the DEK Registry's, without a KMS: shared KEKs answer 50070
	keys     *store.Store
	server   *http.Server
	served   chan struct{}
	requests atomic.Int64

	closeOnce sync.Once
	closeErr  error
}

// Option configures a [Registry].
type Option func(*options)

type options struct {
	compatibility string
	logger        *slog.Logger
}

// WithCompatibility sets the registry's default compatibility level, such as "FULL"
// (default BACKWARD).
func WithCompatibility(level string) Option { return func(o *options) { o.compatibility = level } }

// WithLogger sends the registry's logs to l (default: discarded).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// New starts a registry for a test; it fails t if the registry cannot start and closes it
// when the test ends.
func New(t testing.TB, opts ...Option) *Registry {
	t.Helper()
	r, err := Start(opts...)
	if err != nil {
		t.Fatalf("sertest: %v", err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("sertest: %v", err)
		}
	})
	return r
}

// Start starts a registry on 127.0.0.1 on a free port, with its store in a new temporary
// directory that Close removes.
func Start(opts ...Option) (*Registry, error) {
	o := options{compatibility: "BACKWARD", logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	level, ok := compat.ParseLevel(o.compatibility)
	if !ok {
		return nil, fmt.Errorf("unknown compatibility level %q", o.compatibility)
	}
	dir, err := os.MkdirTemp("", "sertest-")
	if err != nil {
		return nil, err
	}
	r := &Registry{dir: dir, served: make(chan struct{})}
	if err := r.open(o.logger, level); err != nil {
		r.closeStore()
		os.RemoveAll(dir)
		return nil, err
	}
	return r, nil
}

// open builds the store and the HTTP server and starts serving.
func (r *Registry) open(logger *slog.Logger, level compat.Level) error {
	var err error
	if r.log, err = filelog.Open(r.dir, filelog.Config{Logger: logger}); err != nil {
		return err
	}
	if r.store, err = store.Open(context.Background(), store.Config{Log: r.log, Logger: logger, DefaultLevel: level}); err != nil {
		return err
	}
	if r.keysLog, err = filelog.Open(filepath.Join(r.dir, "dek-registry"), filelog.Config{Logger: logger}); err != nil {
		return err
	}
	if r.keys, err = store.Open(context.Background(), store.Config{Log: r.keysLog, Logger: logger}); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	r.url = "http://" + ln.Addr().String()
	if r.sr, err = sr.NewClient(sr.URLs(r.url)); err != nil {
		ln.Close()
		return err
	}
	handler := api.New(api.Config{Store: r.store, Keys: r.keys, Logger: logger, Version: "sertest"})
	r.server = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			r.requests.Add(1)
			handler.ServeHTTP(w, req)
		}),
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	go func() {
		defer close(r.served)
		_ = r.server.Serve(ln)
	}()
	return nil
}

// URL is the registry's address, "http://127.0.0.1:PORT".
func (r *Registry) URL() string { return r.url }

// SR returns a franz-go registry client for the registry.
func (r *Registry) SR() *sr.Client { return r.sr }

// Client returns a new caching client for serializers, with nothing cached yet.
func (r *Registry) Client(opts ...serde.ClientOption) *serde.Client {
	return serde.NewClient(r.SR(), opts...)
}

// Requests returns how many HTTP requests the registry has served, so that tests can check
// how many a client makes.
func (r *Registry) Requests() int64 { return r.requests.Load() }

// Close stops the registry and removes its store. Calling it again does nothing.
func (r *Registry) Close() error {
	r.closeOnce.Do(func() {
		var errs []error
		if r.server != nil {
			errs = append(errs, ignoreClosed(r.server.Close()))
			<-r.served
		}
		errs = append(errs, r.closeStore(), os.RemoveAll(r.dir))
		r.closeErr = errors.Join(errs...)
	})
	return r.closeErr
}

// closeStore closes what open managed to open.
func (r *Registry) closeStore() error {
	var errs []error
	for _, st := range []*store.Store{r.keys, r.store} {
		if st != nil {
			st.Close()
		}
	}
	for _, log := range []*filelog.Log{r.keysLog, r.log} {
		if log != nil {
			errs = append(errs, log.Close())
		}
	}
	return errors.Join(errs...)
}

func ignoreClosed(err error) error {
	if errors.Is(err, http.ErrServerClosed) || errors.Is(err, io.EOF) {
		return nil
	}
	return err
}
