package exporter_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
)

// TestExporterTimesOutASilentDestination: a destination that takes the request and never
// answers (or answers a byte at a time) must not hold the exporter in a state that looks
// healthy: each request has a time limit, past which the exporter is STARTING with a trace
// saying the destination did not answer, and retries. A pause still stops it at once.
func TestExporterTimesOutASilentDestination(t *testing.T) {
	e := newEnv(t)
	e.timeout = 50 * time.Millisecond
	release := make(chan struct{})
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(silent.Close)
	t.Cleanup(func() { close(release) })
	e.apply(t, step{"POST", "/subjects/a/versions", `{"schema":"\"int\""}`})
	e.create(t, store.Exporter{Name: "dr", Subjects: []string{"*"}, Config: map[string]string{"schema.registry.url": silent.URL}})
	e.run(t)
	var st store.ExporterState
	eventually(t, "a trace saying the destination does not answer", func() bool {
		st = e.state(t, "dr")
		return st.State == store.ExporterStarting && strings.Contains(st.Trace, "destination unreachable")
	}, func() string { return describeState(st) })
	e.setState(t, "dr", store.ExporterPaused)
	time.Sleep(100 * time.Millisecond)
	if st := e.state(t, "dr"); st.State != store.ExporterPaused {
		t.Errorf("paused, the exporter is %s", describeState(st))
	}
}
