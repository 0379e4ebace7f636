package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/api/metrics"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

func serveRecorded(h http.Handler, method, target, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", v1JSON)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestReadyGate(t *testing.T) {
	var ready atomic.Bool
	e := New(Config{Store: openTestStore(t), Logger: testLogger(t), Metrics: metrics.New(), ready: ready.Load})

	notReady := errorAnswer(503, 503, "Accord is catching up with its log and does not serve yet")
	for _, tc := range []struct {
		method, target, body string
		open                 bool // served while not ready
	}{
		{"GET", "/subjects", "", false},
		{"GET", "/schemas/ids/1", "", false},
		{"POST", "/subjects/s/versions", schemaInt, false},
		{"PUT", "/config", `{"compatibility":"NONE"}`, false},
		{"GET", "/contexts/.ctx/subjects", "", false},
		{"GET", "/no/such/route", "", false},
		{"GET", "/healthz", "", true},
		{"GET", "/readyz", "", true},
		{"GET", "/openapi.yaml", "", true},
		{"GET", "/metrics", "", true},
		{"GET", "/v1/metadata/id", "", true},
		{"GET", "/v1/metadata/version", "", true},
	} {
		rec := serveRecorded(e, tc.method, tc.target, tc.body)
		got := answer{rec.Code, rec.Header().Get("Content-Type"), rec.Body.String()}
		switch {
		case tc.open && rec.Code != http.StatusOK:
			t.Errorf("%s %s while not ready = %+v, want 200", tc.method, tc.target, got)
		case !tc.open:
			if diff := cmp.Diff(notReady, got); diff != "" {
				t.Errorf("%s %s while not ready (-want +got):\n%s", tc.method, tc.target, diff)
			}
			if rec.Header().Get("X-Request-ID") == "" {
				t.Errorf("%s %s: 503 without X-Request-ID", tc.method, tc.target)
			}
		}
	}

	ready.Store(true)
	if rec := serveRecorded(e, "GET", "/subjects", ""); rec.Code != http.StatusOK || rec.Body.String() != "[]" {
		t.Errorf("GET /subjects once ready = %d %s, want 200 []", rec.Code, rec.Body)
	}
}

// TestReadyGateFollowsStore checks the wiring in New: a store that is not ready (here, closed)
// closes the API but for the probes.
func TestReadyGateFollowsStore(t *testing.T) {
	st := openTestStore(t)
	e := New(Config{Store: st})
	if rec := serveRecorded(e, "GET", "/subjects", ""); rec.Code != http.StatusOK {
		t.Fatalf("GET /subjects on a ready store = %d %s", rec.Code, rec.Body)
	}
	st.Close()
	for target, want := range map[string]int{"/subjects": 503, "/readyz": 503, "/healthz": 200} {
		if rec := serveRecorded(e, "GET", target, ""); rec.Code != want {
			t.Errorf("GET %s on a closed store = %d %s, want %d", target, rec.Code, rec.Body, want)
		}
	}
}

// TestReadyzReportsUnwritableLog: while the log cannot be written /readyz answers 503 naming
// the cause, reads go on, and readiness returns with the disk.
func TestReadyzReportsUnwritableLog(t *testing.T) {
	log, err := filelog.Open(t.TempDir(), filelog.Config{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	var failure atomic.Pointer[error]
	writable := func() error {
		if p := failure.Load(); p != nil {
			return *p
		}
		return nil
	}
	st, err := store.Open(context.Background(), store.Config{Log: log, Writable: writable})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e := New(Config{Store: st, Logger: testLogger(t)})

	// The probe is anonymous: the reason names the cause, never the data directory.
	var full error = fmt.Errorf("filelog: write: %w", &os.PathError{Op: "write", Path: "/srv/secret-dir/accord/log", Err: syscall.ENOSPC})
	failure.Store(&full)
	rec := serveRecorded(e, "GET", "/readyz", "")
	want := `{"status":"unavailable","reason":"the log cannot be written: no space left on device"}`
	if rec.Code != http.StatusServiceUnavailable || strings.TrimSpace(rec.Body.String()) != want {
		t.Errorf("GET /readyz on a full disk = %d %s, want 503 %s", rec.Code, rec.Body, want)
	}
	if rec := serveRecorded(e, "GET", "/subjects", ""); rec.Code != http.StatusOK {
		t.Errorf("GET /subjects on a full disk = %d %s, want 200: reads go on", rec.Code, rec.Body)
	}
	failure.Store(nil)
	if rec := serveRecorded(e, "GET", "/readyz", ""); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"status":"ready"`) {
		t.Errorf("GET /readyz once space returned = %d %s, want 200 ready", rec.Code, rec.Body)
	}
}

// TestReadyzFollowsKeys: the DEK Registry's store counts for readiness too. On Kafka it
// replays a topic of its own, and until it has caught up it would answer "not found" for keys
// that exist, which a producer takes as leave to create new ones: its routes answer 503, and
// so does /readyz, while the schema API goes on.
func TestReadyzFollowsKeys(t *testing.T) {
	keys := openTestStore(t)
	e := New(Config{Store: openTestStore(t), Keys: keys})
	if rec := serveRecorded(e, "GET", "/dek-registry/v1/keks", ""); rec.Code != http.StatusOK {
		t.Fatalf("GET /dek-registry/v1/keks on ready stores = %d %s", rec.Code, rec.Body)
	}
	keys.Close()
	for target, want := range map[string]int{"/dek-registry/v1/keks": 503, "/subjects": 200, "/readyz": 503, "/healthz": 200} {
		if rec := serveRecorded(e, "GET", target, ""); rec.Code != want {
			t.Errorf("GET %s with the DEK Registry's store closed = %d %s, want %d", target, rec.Code, rec.Body, want)
		}
	}
}
