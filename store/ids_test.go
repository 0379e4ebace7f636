package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// openEmbedded opens a store on a file log that already holds the literal records given
// (key, value) pairs, as any other writer of the log might have left them.
func openEmbedded(t *testing.T, recs ...[2]string) *store.Store {
	t.Helper()
	l, err := filelog.Open(t.TempDir(), filelog.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	var srecs []store.Record
	for _, r := range recs {
		srecs = append(srecs, store.Record{Key: []byte(r[0]), Value: []byte(r[1]), Timestamp: time.Now()})
	}
	if len(srecs) > 0 {
		if _, err := l.Append(srecs); err != nil {
			t.Fatal(err)
		}
	}
	st, err := store.Open(context.Background(), store.Config{Log: l})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st
}

// TestHugeIDRecordIgnored: a record someone put in the log with an id beyond int32 does not
// become the base of the next ids, so every later registration gets a sane id of its own and
// stays readable (before, each got the same wrapped id and all but the first were lost).
func TestHugeIDRecordIgnored(t *testing.T) {
	st := openEmbedded(t, [2]string{`{"keytype":"SCHEMA","subject":"big","version":1,"magic":1}`,
		`{"subject":"big","version":1,"id":9223372036854775807,"schema":"\"int\"","deleted":false}`})
	ctx := context.Background()
	for i, subject := range []string{"after-value", "after2-value"} {
		schema := []string{`"string"`, `"long"`}[i]
		sc, err := st.Register(ctx, subject, store.SchemaRequest{Schema: schema, Type: compat.TypeAvro, ID: -1}, false)
		if err != nil {
			t.Fatalf("register %s: %v", subject, err)
		}
		if sc.ID != i+1 {
			t.Errorf("%s got id %d, want %d", subject, sc.ID, i+1)
		}
		got, err := st.Version(ctx, subject, 1, false)
		if err != nil || got.ID != sc.ID || got.Text != schema {
			t.Errorf("%s version 1 = %+v, %v; want the acknowledged registration", subject, got, err)
		}
	}
	if vs, err := st.Versions(ctx, "big", store.VersionsOptions{Deleted: true}); err == nil {
		t.Errorf("the record with the huge id is served: versions %v", vs)
	}
}

// TestIDSpaceExhausted: after an import took id 2^31-1, the next allocation is an error, not
// an id that does not fit the 4-byte schema id of the wire format.
func TestIDSpaceExhausted(t *testing.T) {
	st := openEmbedded(t)
	ctx := context.Background()
	if err := st.SetMode(ctx, "", store.ModeImport, false); err != nil {
		t.Fatal(err)
	}
	sc, err := st.Register(ctx, "imported", store.SchemaRequest{Schema: `"int"`, Type: compat.TypeAvro, Version: 1, ID: store.MaxID}, false)
	if err != nil || sc.ID != store.MaxID {
		t.Fatalf("import id %d: %+v, %v", store.MaxID, sc, err)
	}
	if err := st.SetMode(ctx, "", store.ModeReadWrite, false); err != nil {
		t.Fatal(err)
	}
	sc, err = st.Register(ctx, "next", store.SchemaRequest{Schema: `"string"`, Type: compat.TypeAvro, ID: -1}, false)
	wantCode(t, err, store.CodeStoreError)
	if sc.ID != 0 {
		t.Errorf("got id %d", sc.ID)
	}
	if _, err := st.Versions(ctx, "next", store.VersionsOptions{Deleted: true}); err == nil {
		t.Errorf("the refused registration was stored")
	}
	// The content already registered keeps its id: re-registering it allocates nothing.
	if sc, err := st.Register(ctx, "again", store.SchemaRequest{Schema: `"int"`, Type: compat.TypeAvro, ID: -1}, false); err != nil || sc.ID != store.MaxID {
		t.Errorf("registering known content = %+v, %v; want id %d", sc, err, store.MaxID)
	}
}
