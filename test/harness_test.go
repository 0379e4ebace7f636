package test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accord-registry/accord/api"
	"github.com/accord-registry/accord/api/exporter"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// server is an Accord instance for one test: the API on a real store on a file log in a
// temporary directory, listening on a free loopback port, stopped by t.Cleanup.
type server struct {
	t     *testing.T
	URL   string
	dir   string
	log   *filelog.Log
	store *store.Store
	// keysLog and keys are the DEK Registry's log (in dir/dek-registry) and store.
	keysLog *filelog.Log
	keys    *store.Store
	// exportersLog and exporters keep Schema Linking's definitions and states.
	exportersLog *filelog.Log
	exporters    *store.Store
	http         *http.Server
}

// serverOptions tweak a test server.
type serverOptions struct {
	dir              string
	incompatibleCode store.Code
	maxRequestBytes  int64
	modeImmutable    bool
	now              func() time.Time
	kms              store.KMS // the DEK Registry's, for shared KEKs; nil for none
	maxExporters     int       // 0 for the default
}

func startServer(t *testing.T, opts serverOptions) *server {
	t.Helper()
	if opts.dir == "" {
		opts.dir = t.TempDir()
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	fl, err := filelog.Open(opts.dir, filelog.Config{Logger: logger})
	if err != nil {
		t.Fatalf("open log: %v", err)
	}
	st, err := store.Open(context.Background(), store.Config{Log: fl, Logger: logger, IncompatibleCode: opts.incompatibleCode,
		ModeImmutable: opts.modeImmutable, Now: opts.now})
	if err != nil {
		fl.Close()
		t.Fatalf("open store: %v", err)
	}
	kl, keys := openKeys(t, opts, logger)
	xl, exporters := openExporters(t, opts, logger)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	manager := exporter.NewManager(exporter.NewCatalog(exporters, exporters), exporter.ManagerConfig{MaxExporters: opts.maxExporters})
	e := api.New(api.Config{Store: st, Keys: keys, Exporters: manager, Logger: logger, MaxRequestBytes: opts.maxRequestBytes, Version: "test"})
	s := &server{t: t, URL: "http://" + ln.Addr().String(), dir: opts.dir, log: fl, store: st, keysLog: kl, keys: keys,
		exportersLog: xl, exporters: exporters, http: &http.Server{Handler: e, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}}
	go s.http.Serve(ln)
	t.Cleanup(s.stop)
	return s
}

// stop shuts the server down and closes its log; safe to call twice.
func (s *server) stop() {
	if s.http == nil {
		return
	}
	s.http.Close()
	s.store.Close()
	s.keys.Close()
	s.exporters.Close()
	if err := s.log.Close(); err != nil {
		s.t.Errorf("close log: %v", err)
	}
	if err := s.keysLog.Close(); err != nil {
		s.t.Errorf("close the DEK Registry's log: %v", err)
	}
	if err := s.exportersLog.Close(); err != nil {
		s.t.Errorf("close the exporters' log: %v", err)
	}
	s.http = nil
}

// restart stops the server and opens a new one on the same data directory.
func (s *server) restart(opts serverOptions) *server {
	s.stop()
	opts.dir = s.dir
	return startServer(s.t, opts)
}

// response is a completed HTTP exchange.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends a request with a JSON body (a string is sent as-is, anything else marshalled).
func (s *server) do(method, path string, body any) response {
	s.t.Helper()
	return s.doWith(method, path, body, map[string]string{"Content-Type": "application/vnd.schemaregistry.v1+json"})
}

func (s *server) doWith(method, path string, body any, headers map[string]string) response {
	s.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		s.t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// errorCode returns the error_code of an error body, or 0.
func (r response) errorCode() int {
	var e struct {
		Code int `json:"error_code"`
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Code
}

// records returns every record in the server's log from offset on.
func (s *server) records(from int64) []store.Record {
	s.t.Helper()
	var out []store.Record
	if err := s.log.ReadFrom(from, func(r store.Record) error { out = append(out, r); return nil }); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// keyRecords returns the DEK Registry's records from offset from on.
func (s *server) keyRecords(from int64) []store.Record { return s.logRecords(s.keysLog, from) }

// exporterRecords returns the exporters' records from offset from on.
func (s *server) exporterRecords(from int64) []store.Record {
	return s.logRecords(s.exportersLog, from)
}

func (s *server) logRecords(l *filelog.Log, from int64) []store.Record {
	s.t.Helper()
	var out []store.Record
	if err := l.ReadFrom(from, func(r store.Record) error { out = append(out, r); return nil }); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// openExporters opens the exporters' store on its own log, as accord serve does. No runner
// runs: the states are those the API writes.
func openExporters(t *testing.T, opts serverOptions, logger *slog.Logger) (*filelog.Log, *store.Store) {
	t.Helper()
	xl, err := filelog.Open(filepath.Join(opts.dir, "exporters"), filelog.Config{Logger: logger})
	if err != nil {
		t.Fatalf("open the exporters' log: %v", err)
	}
	st, err := store.Open(context.Background(), store.Config{Log: xl, Logger: logger, Now: opts.now})
	if err != nil {
		xl.Close()
		t.Fatalf("open the exporters' store: %v", err)
	}
	return xl, st
}

// openKeys opens the DEK Registry's store on its own log, as accord serve does.
func openKeys(t *testing.T, opts serverOptions, logger *slog.Logger) (*filelog.Log, *store.Store) {
	t.Helper()
	kl, err := filelog.Open(filepath.Join(opts.dir, "dek-registry"), filelog.Config{Logger: logger})
	if err != nil {
		t.Fatalf("open the DEK Registry's log: %v", err)
	}
	keys, err := store.Open(context.Background(), store.Config{Log: kl, Logger: logger, Now: opts.now, KMS: opts.kms})
	if err != nil {
		kl.Close()
		t.Fatalf("open the DEK Registry: %v", err)
	}
	return kl, keys
}

// schemaBody is a register/lookup body for an Avro schema.
func schemaBody(schema string) map[string]any { return map[string]any{"schema": schema} }
