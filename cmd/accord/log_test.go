package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// withStore opens the embedded store in dir as serve does, runs fn, and closes it.
func withStore(t *testing.T, dir string, fn func(*store.Store)) {
	t.Helper()
	fl, err := filelog.Open(dir, filelog.Config{NoSync: true, Mark: store.SchemaID})
	if err != nil {
		t.Fatal(err)
	}
	defer fl.Close()
	st, err := store.Open(context.Background(), store.Config{Log: fl, IDFloor: int(fl.IDFloor()), Writable: fl.Writable})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fn(st)
}

func logSchema(i int) store.SchemaRequest {
	return store.SchemaRequest{Schema: fmt.Sprintf(`{"type":"record","name":"L%d","fields":[{"name":"f","type":"int"}]}`, i), Type: compat.TypeAvro, ID: -1}
}

// runAccord runs the command line and returns its exit code, stdout and stderr.
func runAccord(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestLogVerifyRepair: a flipped bit in the middle of the log makes serve refuse to start
// with a clear error, verify report it (exit 1), repair keep the rest, and a registration
// afterwards gets a new id.
func TestLogVerifyRepair(t *testing.T) {
	dir := t.TempDir()
	const n = 6
	var maxID int
	withStore(t, dir, func(st *store.Store) {
		for i := range n {
			sc, err := st.Register(context.Background(), fmt.Sprintf("l-%d", i), logSchema(i), false)
			if err != nil {
				t.Fatal(err)
			}
			maxID = max(maxID, sc.ID)
		}
	})
	path := filepath.Join(dir, "log")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(data, []byte(`"subject":"l-2"`))
	data[at+30] ^= 0x01
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}

	code, _, stderr := runAccord("serve", "--data-dir", dir, "--listen", "127.0.0.1:0")
	for _, want := range []string{path + " is damaged at byte", "3 valid frames follow", "accord log repair"} {
		if code != 1 || !strings.Contains(stderr, want) {
			t.Fatalf("serve on a damaged log: exit %d, stderr %q; want exit 1 and %q", code, stderr, want)
		}
	}
	code, stdout, _ := runAccord("log", "verify", "--data-dir", dir)
	if code != 1 || !strings.Contains(stdout, "DAMAGED") || !strings.Contains(stdout, "first bad byte") {
		t.Fatalf("log verify on a damaged log: exit %d, %q", code, stdout)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
		t.Fatal("serve or verify changed the damaged log")
	}
	code, stdout, stderr = runAccord("log", "repair", "--data-dir", dir)
	if code != 0 || !strings.Contains(stdout, "in 1 damaged ranges") || !strings.Contains(stdout, "original kept as "+path+".before-repair-") {
		t.Fatalf("log repair: exit %d, %q %q", code, stdout, stderr)
	}
	if code, stdout, _ = runAccord("log", "verify", "--data-dir", dir, "--json"); code != 0 || !strings.Contains(stdout, `"Frames": 5`) {
		t.Fatalf("log verify after repair: exit %d, %s", code, stdout)
	}
	withStore(t, dir, func(st *store.Store) {
		for i := range n {
			_, err := st.Version(context.Background(), fmt.Sprintf("l-%d", i), 1, false)
			if (err == nil) != (i != 2) {
				t.Errorf("l-%d version 1 after repair: %v", i, err)
			}
		}
		sc, err := st.Register(context.Background(), "new", logSchema(99), false)
		if err != nil || sc.ID <= maxID {
			t.Fatalf("registration after repair: id %d, %v; want above %d", sc.ID, err, maxID)
		}
	})
}

func TestLogUsage(t *testing.T) {
	for _, args := range [][]string{{"log"}, {"log", "fix"}, {"log", "verify", "extra"}, {"log", "verify", "--no-such-flag"}} {
		if code, _, _ := runAccord(args...); code != 2 {
			t.Errorf("accord %v: exit %d, want 2", args, code)
		}
	}
	if code, _, stderr := runAccord("log", "verify", "--data-dir", t.TempDir()); code != 1 || stderr == "" {
		t.Errorf("log verify of an empty directory: exit %d, %q; want 1 with a message", code, stderr)
	}
}
