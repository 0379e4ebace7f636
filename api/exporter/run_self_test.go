package exporter_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accord-registry/accord/api"
	"github.com/accord-registry/accord/api/exporter"
	"github.com/accord-registry/accord/store"
)

// TestExporterToItselfWritesNothing: an exporter whose destination is the source registry
// itself (spelled "localhost" rather than 127.0.0.1, with a trailing slash, second in the
// list) must not copy the source into itself (which, with ":*:", copied its own copies into
// ".src.src", ".src.src.src", ... without end): it goes to ERROR with a trace saying so, and
// the source is left as it was.
func TestExporterToItselfWritesNothing(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(api.New(api.Config{Store: e.source, Exporters: exporter.NewManager(e.catalog, exporter.ManagerConfig{})}))
	t.Cleanup(srv.Close)
	mustCall(t, "POST", srv.URL+"/subjects/a/versions", `{"schema":"\"string\""}`)
	before := e.source.Offset()
	self := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/"
	e.create(t, store.Exporter{Name: "loop", ContextType: "AUTO", Subjects: []string{":*:"},
		Config: map[string]string{"schema.registry.url": "http://127.0.0.1:1," + self}})
	e.run(t)
	st := e.inState(t, "loop", store.ExporterError)
	if !strings.Contains(st.Trace, "this registry itself") {
		t.Errorf("trace %q does not say the destination is the source", st.Trace)
	}
	if after := e.source.Offset(); after != before {
		t.Errorf("the source was written to: offset %d, then %d", before, after)
	}
	if status, body := call(t, http.MethodGet, srv.URL+"/contexts", ""); body != `["."]` {
		t.Errorf("contexts of the source: %d %s", status, body)
	}
}
