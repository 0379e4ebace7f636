package exporter

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// openLog opens a store on its own file log in a temporary directory, and returns the log
// too, for a test that reads the records.
func openLog(t *testing.T) (*store.Store, *filelog.Log) {
	t.Helper()
	log, err := filelog.Open(t.TempDir(), filelog.Config{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), store.Config{Log: log})
	if err != nil {
		log.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		st.Close()
		log.Close()
	})
	return st, log
}

func newTestManager(t *testing.T, cfg ManagerConfig) (*Manager, *Catalog) {
	t.Helper()
	st, _ := openLog(t)
	cat := NewCatalog(st, st)
	return NewManager(cat, cfg), cat
}

func wantCode(t *testing.T, what string, err error, code store.Code) {
	t.Helper()
	var se *store.Error
	if !errors.As(err, &se) || se.Code != code {
		t.Fatalf("%s: err = %v, want error code %d", what, err, code)
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

var destination = map[string]string{URLKey: "http://127.0.0.1:1"}

// TestCreateNormalises: the defaults and spellings of a definition, and the state a new
// exporter starts in.
func TestCreateNormalises(t *testing.T) {
	m, _ := newTestManager(t, ManagerConfig{})
	ctx := context.Background()
	must(t, "create", m.Create(ctx, store.Exporter{Name: "e", ContextType: "custom", Context: "dr", Config: destination}))
	got, err := m.Get(ctx, "e")
	must(t, "get", err)
	want := store.Exporter{Name: "e", ContextType: "CUSTOM", Context: ".dr", Subjects: []string{"*"},
		SubjectRenameFormat: "${subject}", KekRenameFormat: "${kek}", Config: destination}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("definition (-want +got):\n%s", diff)
	}
	must(t, "create auto", m.Create(ctx, store.Exporter{Name: "a", Subjects: []string{"orders-*", ":*:"}, Config: destination}))
	if got, _ := m.Get(ctx, "a"); got.ContextType != "AUTO" {
		t.Errorf("contextType = %q, want AUTO", got.ContextType)
	}
	st, err := m.Status(ctx, "e")
	must(t, "status", err)
	if st.State != store.ExporterStarting || st.Offset != -1 || st.TS == 0 || st.Trace != "" {
		t.Errorf("new state = %+v, want STARTING at -1 with a ts", st)
	}
	if names, _ := m.Names(ctx); !cmp.Equal(names, []string{"a", "e"}) {
		t.Errorf("names = %q", names)
	}
}

// TestCreateRefuses: each bad definition gets its error code.
func TestCreateRefuses(t *testing.T) {
	m, _ := newTestManager(t, ManagerConfig{MaxExporters: 2})
	ctx := context.Background()
	for _, tc := range []struct {
		e    store.Exporter
		code store.Code
	}{
		{store.Exporter{Name: "", Config: destination}, store.CodeInvalidExporterName},
		{store.Exporter{Name: "a b", Config: destination}, store.CodeInvalidExporterName},
		{store.Exporter{Name: "a/b", Config: destination}, store.CodeInvalidExporterName},
		// Dot segments: /exporters/.. is / once a client or proxy cleans the path, so such an
		// exporter could be neither read, paused nor deleted.
		{store.Exporter{Name: "..", Config: destination}, store.CodeInvalidExporterName},
		{store.Exporter{Name: ".", Config: destination}, store.CodeInvalidExporterName},
		{store.Exporter{Name: "x"}, store.CodeInvalidExporterConfig},
		{store.Exporter{Name: "x", Config: map[string]string{URLKey: "ftp://h"}}, store.CodeInvalidExporterConfig},
		{store.Exporter{Name: "x", ContextType: "SOME", Config: destination}, store.CodeInvalidExporterConfig},
		{store.Exporter{Name: "x", ContextType: "CUSTOM", Config: destination}, store.CodeInvalidExporterConfig},
		{store.Exporter{Name: "x", Subjects: []string{""}, Config: destination}, store.CodeInvalidExporterSubjects},
		{store.Exporter{Name: "x", Subjects: []string{"a*b"}, Config: destination}, store.CodeInvalidExporterSubjects},
		// A rename format without ${subject} would put every subject into one.
		{store.Exporter{Name: "x", SubjectRenameFormat: "static", Config: destination}, store.CodeInvalidExporterSubjects},
		{store.Exporter{Name: "x", KekRenameFormat: "one-kek", Config: destination}, store.CodeInvalidExporterConfig},
		{store.Exporter{Name: "x", Subjects: make([]string, maxSubjectPatterns+1), Config: destination}, store.CodeInvalidExporterSubjects},
		{store.Exporter{Name: "x", Config: bigConfig(maxConfigKeys+1, 1)}, store.CodeInvalidExporterConfig},
		{store.Exporter{Name: "x", Config: bigConfig(2, maxConfigBytes)}, store.CodeInvalidExporterConfig},
	} {
		wantCode(t, fmt.Sprintf("create %+v", tc.e), m.Create(ctx, tc.e), tc.code)
	}
	// One subject may be given a name of its own.
	must(t, "rename one subject", m.Create(ctx, store.Exporter{Name: "one", Subjects: []string{"orders"}, SubjectRenameFormat: "dr-orders", Config: destination}))
	must(t, "delete", m.Delete(ctx, "one"))
	must(t, "create", m.Create(ctx, store.Exporter{Name: "x", Config: destination}))
	wantCode(t, "duplicate", m.Create(ctx, store.Exporter{Name: "x", Config: destination}), store.CodeExporterExists)
	must(t, "create y", m.Create(ctx, store.Exporter{Name: "y", Config: destination}))
	wantCode(t, "third of two", m.Create(ctx, store.Exporter{Name: "z", Config: destination}), store.CodeTooManyExporters)
}

// TestLifecycle walks the state machine: changes only when paused or failed, resume only
// then, reset clears the offset, delete in any state.
func TestLifecycle(t *testing.T) {
	m, cat := newTestManager(t, ManagerConfig{})
	ctx := context.Background()
	must(t, "create", m.Create(ctx, store.Exporter{Name: "e", Config: destination}))
	subjects := []string{"orders"}
	wantCode(t, "update while starting", m.Update(ctx, "e", Update{Subjects: &subjects}), store.CodeExporterNotPaused)
	wantCode(t, "config while starting", m.SetConfig(ctx, "e", destination), store.CodeExporterNotPaused)
	wantCode(t, "reset while starting", m.Reset(ctx, "e"), store.CodeExporterNotPaused)
	wantCode(t, "resume while starting", m.Resume(ctx, "e"), store.CodeExporterRunning)

	gen := cat.Generation("e")
	_, err := cat.Progress(ctx, "e", gen, func(st *store.ExporterState) error {
		st.State, st.Offset = store.ExporterRunning, 41
		return nil
	})
	must(t, "progress", err)
	must(t, "pause", m.Pause(ctx, "e"))
	must(t, "pause again", m.Pause(ctx, "e"))
	if _, err := cat.Progress(ctx, "e", gen, func(*store.ExporterState) error { return nil }); !errors.Is(err, ErrSuperseded) {
		t.Errorf("progress of the run a pause ended: %v, want ErrSuperseded", err)
	}
	must(t, "update", m.Update(ctx, "e", Update{Subjects: &subjects}))
	if got, _ := m.Get(ctx, "e"); !cmp.Equal(got.Subjects, subjects) {
		t.Errorf("subjects = %q", got.Subjects)
	}
	bad := "BAD"
	wantCode(t, "update to a bad contextType", m.Update(ctx, "e", Update{ContextType: &bad}), store.CodeInvalidExporterConfig)

	must(t, "resume", m.Resume(ctx, "e"))
	st, _ := m.Status(ctx, "e")
	if st.State != store.ExporterStarting || st.Offset != 41 {
		t.Errorf("resumed = %+v, want STARTING keeping offset 41", st)
	}
	wantCode(t, "resume again", m.Resume(ctx, "e"), store.CodeExporterRunning)

	_, err = cat.Progress(ctx, "e", cat.Generation("e"), func(st *store.ExporterState) error {
		st.State, st.Trace = store.ExporterError, "destination refused"
		return nil
	})
	must(t, "fail", err)
	must(t, "reset from error", m.Reset(ctx, "e"))
	if st, _ := m.Status(ctx, "e"); st.Offset != -1 || st.State != store.ExporterError {
		t.Errorf("reset = %+v, want ERROR at -1", st)
	}
	must(t, "resume from error", m.Resume(ctx, "e"))
	if st, _ := m.Status(ctx, "e"); st.State != store.ExporterStarting || st.Trace != "" {
		t.Errorf("resumed from error = %+v, want STARTING without trace", st)
	}

	must(t, "delete while starting", m.Delete(ctx, "e"))
	for what, err := range map[string]error{
		"get":    get(m, "e"),
		"status": status(m, "e"),
		"pause":  m.Pause(ctx, "e"),
		"resume": m.Resume(ctx, "e"),
		"reset":  m.Reset(ctx, "e"),
		"delete": m.Delete(ctx, "e"),
		"update": m.Update(ctx, "e", Update{}),
		"config": m.SetConfig(ctx, "e", destination),
	} {
		wantCode(t, what+" after delete", err, store.CodeExporterNotFound)
	}
	if _, err := cat.States.ExporterState(ctx, "e"); err == nil {
		t.Error("the state outlived the delete")
	}
}

func get(m *Manager, name string) error {
	_, err := m.Get(context.Background(), name)
	return err
}

func status(m *Manager, name string) error {
	_, err := m.Status(context.Background(), name)
	return err
}

// TestSeparateStores: on Kafka definitions and states are two topics; each write goes to
// its own store, and CatchUp waits on both.
func TestSeparateStores(t *testing.T) {
	configs, _ := openLog(t)
	states, _ := openLog(t)
	m := NewManager(NewCatalog(configs, states), ManagerConfig{})
	ctx := context.Background()
	must(t, "create", m.Create(ctx, store.Exporter{Name: "e", Config: destination}))
	must(t, "pause", m.Pause(ctx, "e"))
	must(t, "catch up", m.CatchUp(ctx))
	if _, err := configs.ExporterState(ctx, "e"); err == nil {
		t.Error("a state was written to the definitions' store")
	}
	if _, err := states.Exporter(ctx, "e"); err == nil {
		t.Error("a definition was written to the states' store")
	}
	if st, err := states.ExporterState(ctx, "e"); err != nil || st.State != store.ExporterPaused {
		t.Errorf("state = %+v, %v; want PAUSED in the states' store", st, err)
	}
	must(t, "delete", m.Delete(ctx, "e"))
	if _, err := states.ExporterState(ctx, "e"); err == nil {
		t.Error("the state outlived the delete")
	}
}

// bigConfig is a destination config with n more keys of size bytes each.
func bigConfig(n, size int) map[string]string {
	c := map[string]string{URLKey: "http://dr:8081"}
	for i := range n {
		c[fmt.Sprintf("extra.%d", i)] = strings.Repeat("v", size)
	}
	return c
}
