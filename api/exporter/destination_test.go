package exporter_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/accord-registry/accord/api/exporter"
	"github.com/accord-registry/accord/serde/sertest"
)

func newDestination(t *testing.T, config map[string]string) *exporter.Destination {
	t.Helper()
	d, err := exporter.NewDestination(config)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
}

func wantDestinationError(t *testing.T, err error, status, code int) *exporter.DestinationError {
	t.Helper()
	de, ok := errors.AsType[*exporter.DestinationError](err)
	if !ok || de.Status != status || de.Code != code {
		t.Fatalf("got %v, want status %d error_code %d", err, status, code)
	}
	return de
}

// TestDestinationAgainstARegistry checks the client against a real registry's answers:
// decoded bodies on success, Confluent's error_code and message otherwise.
func TestDestinationAgainstARegistry(t *testing.T) {
	reg := sertest.New(t)
	d := newDestination(t, map[string]string{"schema.registry.url": reg.URL() + "/"})
	ctx := context.Background()

	var registered struct{ ID int }
	schema := map[string]any{"schema": `{"type":"string"}`}
	if err := d.Do(ctx, http.MethodPost, "/subjects/s/versions", schema, &registered); err != nil || registered.ID == 0 {
		t.Fatalf("register: id %d, %v", registered.ID, err)
	}
	var versions []int
	if err := d.Do(ctx, http.MethodGet, "/subjects/s/versions", nil, &versions); err != nil || len(versions) != 1 || versions[0] != 1 {
		t.Fatalf("versions: %v, %v", versions, err)
	}
	if err := d.Do(ctx, http.MethodGet, "/subjects/s/versions", nil, nil); err != nil {
		t.Fatalf("discarded answer: %v", err)
	}

	err := d.Do(ctx, http.MethodGet, "/subjects/missing/versions", nil, &versions)
	de := wantDestinationError(t, err, 404, 40401)
	if de.Message == "" || exporter.Retryable(err) {
		t.Errorf("40401: message %q, retryable %v", de.Message, exporter.Retryable(err))
	}

	withID := map[string]any{"schema": `{"type":"int"}`, "id": 100, "version": 1}
	err = d.Do(ctx, http.MethodPost, "/subjects/other/versions", withID, nil)
	wantDestinationError(t, err, 422, 42205)
	if exporter.Retryable(err) {
		t.Error("42205 is retryable")
	}

	if err := d.Do(ctx, http.MethodPut, "/mode/:.dr:", map[string]string{"mode": "IMPORT"}, nil); err != nil {
		t.Fatalf("IMPORT mode: %v", err)
	}
	if err := d.Do(ctx, http.MethodPost, "/subjects/:.dr:other/versions", withID, &registered); err != nil || registered.ID != 100 {
		t.Fatalf("import with id: id %d, %v", registered.ID, err)
	}
}

// TestDestinationTriesTheNextURL checks that a URL that does not answer is skipped, and that
// no URL answering is a retryable error.
func TestDestinationTriesTheNextURL(t *testing.T) {
	down := closedURL(t)
	reg := sertest.New(t)
	d := newDestination(t, map[string]string{"schema.registry.url": down + ", " + reg.URL()})
	var subjects []string
	for range 2 {
		if err := d.Do(context.Background(), http.MethodGet, "/subjects", nil, &subjects); err != nil {
			t.Fatal(err)
		}
	}
	if reg.Requests() != 2 {
		t.Errorf("the registry got %d requests, want 2", reg.Requests())
	}

	d = newDestination(t, map[string]string{"schema.registry.url": down})
	err := d.Do(context.Background(), http.MethodGet, "/subjects", nil, &subjects)
	if err == nil || !exporter.Retryable(err) {
		t.Fatalf("got %v, want a retryable error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Do(ctx, http.MethodGet, "/subjects", nil, nil); err == nil || exporter.Retryable(err) {
		t.Errorf("cancelled: got %v, want an error that is not retryable", err)
	}
}

// closedURL returns the URL of a port where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// TestDestinationRetryable checks which answers are worth retrying, and that an answer
// without Confluent's error body still becomes a DestinationError.
func TestDestinationRetryable(t *testing.T) {
	cases := []struct {
		status    int
		body      string
		code      int
		retryable bool
	}{
		{503, "upstream down", 0, true},
		{500, `{"error_code":50001,"message":"store error"}`, 50001, true},
		{408, "", 0, true},
		{429, `{"error_code":429,"message":"slow down"}`, 429, true},
		{409, `{"error_code":409,"message":"incompatible"}`, 409, false},
		{401, `{"error_code":401,"message":"Unauthorized"}`, 401, false},
		{302, "", 0, false},
	}
	for _, c := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "http://elsewhere.invalid/")
			w.WriteHeader(c.status)
			w.Write([]byte(c.body))
		}))
		d := newDestination(t, map[string]string{"schema.registry.url": srv.URL})
		err := d.Do(context.Background(), http.MethodGet, "/subjects", nil, nil)
		de := wantDestinationError(t, err, c.status, c.code)
		if de.Message == "" || exporter.Retryable(err) != c.retryable {
			t.Errorf("%d: message %q, retryable %v, want %v", c.status, de.Message, exporter.Retryable(err), c.retryable)
		}
		srv.Close()
	}
	if exporter.Retryable(nil) || exporter.Retryable(errors.New("other")) {
		t.Error("nil or a plain error is retryable")
	}
}

// TestDestinationBoundsTheAnswer checks that an answer larger than the bound is an error,
// and not a reason to ask the next URL.
func TestDestinationBoundsTheAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`["` + strings.Repeat("a", 2000) + `"]`))
	}))
	defer srv.Close()
	var asked atomic.Int32
	second := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { asked.Add(1) }))
	defer second.Close()
	d := newDestination(t, map[string]string{"schema.registry.url": srv.URL + "," + second.URL})
	exporter.SetMaxAnswer(d, 1000)
	var out []string
	err := d.Do(context.Background(), http.MethodGet, "/subjects", nil, &out)
	if err == nil || !strings.Contains(err.Error(), "larger than 1000 bytes") || exporter.Retryable(err) {
		t.Fatalf("got %v", err)
	}
	if asked.Load() != 0 {
		t.Error("a URL that answered too much was followed by the next one")
	}
	exporter.SetMaxAnswer(d, 4000)
	if err := d.Do(context.Background(), http.MethodGet, "/subjects", nil, &out); err != nil || len(out) != 1 {
		t.Fatalf("under the bound: %v", err)
	}
}

// TestDestinationKeepsConnections checks that requests reuse one connection.
func TestDestinationKeepsConnections(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`[]`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	d := newDestination(t, map[string]string{"schema.registry.url": srv.URL})
	for range 5 {
		if err := d.Do(context.Background(), http.MethodPut, "/config", map[string]string{"compatibility": "NONE"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 5 requests, want 1", n)
	}
}

// TestDestinationSendsJSON checks the request's headers and body.
func TestDestinationSendsJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 100)
		n, _ := r.Body.Read(buf)
		if r.Header.Get("Content-Type") != "application/vnd.schemaregistry.v1+json" || string(buf[:n]) != `{"mode":"IMPORT"}` ||
			r.URL.Path != "/base/mode/:.ctx:" || r.URL.RawQuery != "force=true" {
			w.WriteHeader(400)
			return
		}
		w.Write([]byte(`{"mode":"IMPORT"}`))
	}))
	defer srv.Close()
	d := newDestination(t, map[string]string{"schema.registry.url": srv.URL + "/base"})
	var out struct{ Mode string }
	if err := d.Do(context.Background(), http.MethodPut, "/mode/:.ctx:?force=true", map[string]string{"mode": "IMPORT"}, &out); err != nil || out.Mode != "IMPORT" {
		t.Fatalf("got %+v, %v", out, err)
	}
}
