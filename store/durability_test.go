package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// openDurable opens the embedded store in dir as accord serve does: the log keeps the id
// floor with store.SchemaID, and the store allocates above it.
func openDurable(t *testing.T, dir string) (*store.Store, *filelog.Log, error) {
	t.Helper()
	fl, err := filelog.Open(dir, filelog.Config{NoSync: true, Mark: store.SchemaID})
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(context.Background(), store.Config{Log: fl, IDFloor: int(fl.IDFloor()), Writable: fl.Writable})
	if err != nil {
		fl.Close()
		return nil, nil, err
	}
	return st, fl, nil
}

func schemaText(i int) string {
	return fmt.Sprintf(`{"type":"record","name":"R%d","fields":[{"name":"f","type":"string"}]}`, i)
}

// registerAll registers schema i under subject s-i, for i in [0, n), and returns the ids.
func registerAll(t *testing.T, st *store.Store, n int) []int {
	ids := make([]int, n)
	for i := range ids {
		sc, err := st.Register(context.Background(), fmt.Sprintf("s-%d", i), store.SchemaRequest{Schema: schemaText(i), Type: compat.TypeAvro, ID: -1}, false)
		if err != nil {
			t.Fatalf("Register %d = %v", i, err)
		}
		ids[i] = sc.ID
	}
	return ids
}

// frameOf returns where the frame holding schema i starts: its key starts 29 bytes after it
// (length, checksum, offset, timestamp, flags and key length).
func frameOf(t *testing.T, data []byte, i int) int {
	at := bytes.Index(data, []byte(fmt.Sprintf(`{"keytype":"SCHEMA","subject":"s-%d",`, i)))
	if at < 29 {
		t.Fatalf("no SCHEMA record for s-%d in the log", i)
	}
	return at - 29
}

// TestDamagedLogThroughTheStore: registrations, one flipped bit, refusal, repair; then every
// other schema is served by id and by subject/version, and a new registration gets an id
// above every id ever handed out, the damaged one included.
func TestDamagedLogThroughTheStore(t *testing.T) {
	const n = 12
	cases := map[string]struct {
		schema int // whose frame is damaged
		delta  int // where in the frame
	}{
		"first frame":          {0, 40},
		"middle frame":         {5, 60},
		"inside length prefix": {7, 2},
		"highest id":           {n - 2, 45},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			st, fl, err := openDurable(t, dir)
			if err != nil {
				t.Fatal(err)
			}
			ids := registerAll(t, st, n)
			// The last registration repeats schema n-2's text: its record carries no new id,
			// so the highest id lies in the frame damaged below.
			if _, err := st.Register(context.Background(), "again", store.SchemaRequest{Schema: schemaText(n - 2), Type: compat.TypeAvro, ID: -1}, false); err != nil {
				t.Fatal(err)
			}
			maxID := ids[n-1]
			st.Close()
			fl.Close()
			path := filepath.Join(dir, "log")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if c.schema == n-2 {
				c.schema = n - 1 // damage the frame of the highest id
			}
			data[frameOf(t, data, c.schema)+c.delta] ^= 0x04
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}

			if _, _, err := openDurable(t, dir); !errors.Is(err, filelog.ErrDamaged) {
				t.Fatalf("opening the damaged store = %v, want ErrDamaged", err)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
				t.Fatal("the refused log changed")
			}
			if _, err := filelog.Repair(dir, store.SchemaID); err != nil {
				t.Fatalf("Repair = %v", err)
			}
			st, fl, err = openDurable(t, dir)
			if err != nil {
				t.Fatalf("opening the repaired store = %v", err)
			}
			defer fl.Close()
			defer st.Close()
			ctx := context.Background()
			for i := range n {
				if i == c.schema {
					continue
				}
				byID, err := st.SchemaByID(ctx, ids[i], "", false)
				if err != nil || byID.Text != schemaText(i) {
					t.Errorf("schema id %d after repair: %q, %v", ids[i], byID.Text, err)
				}
				v, err := st.Version(ctx, fmt.Sprintf("s-%d", i), 1, false)
				if err != nil || v.ID != ids[i] {
					t.Errorf("s-%d version 1 after repair: id %d, %v; want id %d", i, v.ID, err, ids[i])
				}
			}
			fresh, err := st.Register(ctx, "fresh", store.SchemaRequest{Schema: `"string"`, Type: compat.TypeAvro, ID: -1}, false)
			if err != nil {
				t.Fatal(err)
			}
			if fresh.ID <= maxID {
				t.Fatalf("a registration after the repair got id %d; ids up to %d were handed out before", fresh.ID, maxID)
			}
		})
	}
}

// TestOpenRecordsNothing: opening the embedded store appends no record, so a start that then
// fails (a port in use, a full disk) leaves the log as it was.
func TestOpenRecordsNothing(t *testing.T) {
	dir := t.TempDir()
	st, fl, err := openDurable(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	registerAll(t, st, 2)
	end := fl.End()
	st.Close()
	fl.Close()
	st, fl, err = openDurable(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer fl.Close()
	defer st.Close()
	if got := fl.End(); got != end {
		t.Fatalf("the log ends at %d after reopening the store, want %d: opening wrote records", got, end)
	}
}

// TestDamagedLastFrameThroughTheStore: a flipped bit in the very last frame looks like a torn
// write and is cut at open, but the id it held is not handed out again.
func TestDamagedLastFrameThroughTheStore(t *testing.T) {
	dir := t.TempDir()
	st, fl, err := openDurable(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	ids := registerAll(t, st, 5)
	st.Close()
	fl.Close()
	path := filepath.Join(dir, "log")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[frameOf(t, data, 4)+50] ^= 0x01
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	st, fl, err = openDurable(t, dir)
	if err != nil {
		t.Fatalf("opening with a damaged last frame = %v, want the tail cut", err)
	}
	defer fl.Close()
	defer st.Close()
	fresh, err := st.Register(context.Background(), "fresh", store.SchemaRequest{Schema: `"string"`, Type: compat.TypeAvro, ID: -1}, false)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.ID <= ids[4] {
		t.Fatalf("a registration after the cut got id %d; id %d was handed out before", fresh.ID, ids[4])
	}
}
