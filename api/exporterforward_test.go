package api

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/accord-registry/accord/api/exporter"
	"github.com/accord-registry/accord/store"
)

// exportersOn returns a manager over a store of its own, and the catalog, so the test can
// read what was written.
func exportersOn(t *testing.T) (*exporter.Manager, *exporter.Catalog) {
	t.Helper()
	st := openTestStore(t)
	cat := exporter.NewCatalog(st, st)
	return exporter.NewManager(cat, exporter.ManagerConfig{}), cat
}

// TestExporterWritesForwarded: a follower sends every exporter write to the leader, whose
// answer it relays, and serves reads from its own replica; the leader alone writes the
// exporters' records.
func TestExporterWritesForwarded(t *testing.T) {
	leaderMgr, leaderCat := exportersOn(t)
	followerMgr, followerCat := exportersOn(t)
	leadership := &fakeLeadership{}
	leader := serveHTTP(t, New(Config{Store: openTestStore(t), Exporters: leaderMgr, Logger: testLogger(t)}))
	leadership.set(leader.URL, false)
	follower := serveHTTP(t, New(Config{Store: openTestStore(t), Exporters: followerMgr, Logger: testLogger(t), Leadership: leadership}))
	ctx := context.Background()

	body := `{"name":"dr","config":{"schema.registry.url":"http://dr.example:8081"}}`
	if got, _ := do(t, "POST", follower.URL+"/exporters", body, nil); got.Status != 200 || got.Body != `{"name":"dr"}` {
		t.Fatalf("create through the follower: %+v", got)
	}
	if _, err := leaderCat.Configs.Exporter(ctx, "dr"); err != nil {
		t.Fatalf("the leader has no exporter: %v", err)
	}
	if _, err := followerCat.Configs.Exporter(ctx, "dr"); err == nil {
		t.Fatal("the follower wrote the exporter itself")
	}
	for _, step := range []struct{ method, path, body string }{
		{"PUT", "/exporters/dr/pause", ""},
		{"PUT", "/exporters/dr", `{"subjects":["orders"]}`},
		{"PUT", "/exporters/dr/config", `{"schema.registry.url":"http://dr2.example:8081"}`},
		{"PUT", "/exporters/dr/reset", ""},
		{"PUT", "/exporters/dr/resume", ""},
	} {
		if got, _ := do(t, step.method, follower.URL+step.path, step.body, nil); got.Status != 200 {
			t.Fatalf("%s %s through the follower: %+v", step.method, step.path, got)
		}
	}
	e, err := leaderMgr.Get(ctx, "dr")
	if err != nil || e.Subjects[0] != "orders" || e.Config["schema.registry.url"] != "http://dr2.example:8081" {
		t.Errorf("the leader's exporter = %+v, %v; want the follower's changes", e, err)
	}
	if got, _ := do(t, "GET", follower.URL+"/exporters/dr", "", nil); got.Status != 404 {
		t.Errorf("read on the follower = %+v; its replica (a separate store here) has no exporter", got)
	}
	if got, _ := do(t, "DELETE", follower.URL+"/exporters/dr", "", nil); got.Status != 204 {
		t.Fatalf("delete through the follower: %+v", got)
	}
	if names, _ := leaderMgr.Names(ctx); len(names) != 0 {
		t.Errorf("the leader still has %q", names)
	}
}

// TestExportersAbsent: an API without exporters answers 404 on their routes, as Confluent
// does without its exporter extension.
func TestExportersAbsent(t *testing.T) {
	base := serveHTTP(t, New(Config{Store: openTestStore(t), Logger: testLogger(t)})).URL
	for _, r := range []struct{ method, path string }{
		{"GET", "/exporters"}, {"POST", "/exporters"}, {"GET", "/exporters/e"}, {"PUT", "/exporters/e"},
		{"DELETE", "/exporters/e"}, {"GET", "/exporters/e/status"}, {"GET", "/exporters/e/config"},
		{"PUT", "/exporters/e/config"}, {"PUT", "/exporters/e/pause"}, {"PUT", "/exporters/e/resume"},
		{"PUT", "/exporters/e/reset"},
	} {
		if got, _ := do(t, r.method, base+r.path, `{}`, nil); got.Status != 404 {
			t.Errorf("%s %s = %+v, want 404", r.method, r.path, got)
		}
	}
}

// TestExporterStatusTrace: the status answers a trace only when there is one (an exporter in
// ERROR), and a resume clears it.
func TestExporterStatusTrace(t *testing.T) {
	mgr, cat := exportersOn(t)
	base := serveHTTP(t, New(Config{Store: openTestStore(t), Exporters: mgr, Logger: testLogger(t)})).URL
	ctx := context.Background()
	mustStatus(t, base, "POST", "/exporters", `{"name":"dr","config":{"schema.registry.url":"http://dr.example:8081"}}`, nil, 200)
	_, err := cat.Progress(ctx, "dr", cat.Generation("dr"), func(st *store.ExporterState) error {
		st.State, st.Offset, st.Trace = store.ExporterError, 7, "subject orders-value version 1 id 3: the destination answered 42205"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	got, _ := do(t, "GET", base+"/exporters/dr/status", "", nil)
	if err := json.Unmarshal([]byte(got.Body), &st); err != nil || st["state"] != "ERROR" || st["offset"] != 7.0 ||
		st["trace"] != "subject orders-value version 1 id 3: the destination answered 42205" {
		t.Fatalf("status in ERROR = %s", got.Body)
	}
	mustStatus(t, base, "PUT", "/exporters/dr/resume", "", nil, 200)
	got, _ = do(t, "GET", base+"/exporters/dr/status", "", nil)
	st = nil
	if err := json.Unmarshal([]byte(got.Body), &st); err != nil || st["state"] != "STARTING" || st["offset"] != 7.0 {
		t.Fatalf("status after resume = %s", got.Body)
	}
	if _, ok := st["trace"]; ok || len(st) != 4 {
		t.Errorf("status after resume = %s, want name, state, offset and ts only", got.Body)
	}
}
