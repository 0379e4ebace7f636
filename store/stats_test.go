package store_test

import (
	"context"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

func TestStats(t *testing.T) {
	fl, err := filelog.Open(t.TempDir(), filelog.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer fl.Close()
	st, err := store.Open(context.Background(), store.Config{Log: fl, DefaultLevel: compat.LevelNone})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, r := range []struct{ subject, schema string }{
		{"a", `"int"`}, {"b", `"int"`}, {"b", `"long"`}, {":.ctx:c", `"int"`},
	} {
		if _, err := st.Register(ctx, r.subject, store.SchemaRequest{Schema: r.schema, Type: compat.TypeAvro, ID: -1}, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.DeleteVersion(ctx, "b", 1, false); err != nil {
		t.Fatal(err)
	}
	got := st.Stats()
	// Schemas: "int" (id 1) and "long" (id 2) in the default context, "int" (id 1) in .ctx.
	want := store.Stats{Subjects: 3, Versions: 3, DeletedVersions: 1, Schemas: 3, Offset: got.Offset}
	if got != want || got.Offset < 0 {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}
