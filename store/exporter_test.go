package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
)

func TestExportersSurviveRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, fl := openKeys(t, dir, store.Config{})
	def := store.Exporter{Name: "dr", ContextType: "CUSTOM", Context: ".dr", Subjects: []string{"orders-*"},
		Config: map[string]string{"schema.registry.url": "http://b:8081"}}
	if err := st.PutExporter(ctx, def); err != nil {
		t.Fatal(err)
	}
	if err := st.PutExporterState(ctx, store.ExporterState{Name: "dr", State: store.ExporterRunning, Offset: 41, TS: 7}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutExporter(ctx, store.Exporter{Name: "gone", ContextType: "NONE"}); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteExporter(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	_ = fl.Close()

	st, _ = openKeys(t, dir, store.Config{})
	if names, _ := st.Exporters(ctx); !slices.Equal(names, []string{"dr"}) {
		t.Errorf("exporters after restart: %v", names)
	}
	got, err := st.Exporter(ctx, "dr")
	if err != nil || got.Context != ".dr" || got.Config["schema.registry.url"] != "http://b:8081" || !slices.Equal(got.Subjects, def.Subjects) {
		t.Errorf("definition after restart: %+v, %v", got, err)
	}
	if s, err := st.ExporterState(ctx, "dr"); err != nil || s.Offset != 41 || s.State != store.ExporterRunning {
		t.Errorf("state after restart: %+v, %v", s, err)
	}
	var se *store.Error
	if _, err := st.Exporter(ctx, "gone"); !errors.As(err, &se) || se.Code != store.CodeExporterNotFound {
		t.Errorf("deleted exporter: %v, want 40450", err)
	}
	if err := st.DeleteExporter(ctx, "gone"); !errors.As(err, &se) || se.Code != store.CodeExporterNotFound {
		t.Errorf("deleting a missing exporter: %v, want 40450", err)
	}
}

func TestChangedSinceNamesEveryChange(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	reg := func(subject, schema string) {
		t.Helper()
		if _, err := st.Register(ctx, subject, store.SchemaRequest{Schema: schema, Type: compat.TypeAvro, ID: -1}, false); err != nil {
			t.Fatal(err)
		}
	}
	reg("a", `"int"`)
	reg("b", `"string"`)
	mark := st.Offset()
	select {
	case <-st.Advanced():
		t.Fatal("Advanced is closed before anything changed")
	default:
	}
	wake := st.Advanced()
	reg("c", `"long"`)
	select {
	case <-wake:
	default:
		t.Fatal("a registration did not close Advanced")
	}
	if _, err := st.DeleteVersion(ctx, "a", 1, false); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetConfig(ctx, "b", store.ConfigRecord{CompatibilityLevel: ptr(compat.LevelNone)}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DeleteVersion(ctx, "a", 1, true); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range st.ChangedSince(mark) {
		got = append(got, c.Subject)
	}
	if want := []string{"c", "b", "a"}; !slices.Equal(got, want) {
		t.Errorf("changed since %d: %v, want %v (in the order of their last change, the hard-deleted subject included)", mark, got, want)
	}
	if rest := st.ChangedSince(st.Offset()); len(rest) != 0 {
		t.Errorf("changed since the last offset: %v", rest)
	}
}
