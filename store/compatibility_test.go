package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// nestedAnyOf is anyOf nested depth deep with 5 members each, whose leaves (not-schemas, so
// that the exhaustive comparison of member pairs runs) carry distinct maxLength values; the
// leaf numbered changed (-1: none) has its value lowered by one.
func nestedAnyOf(depth, changed int) string {
	var b strings.Builder
	n := 0
	var walk func(d int)
	walk = func(d int) {
		if d == depth {
			v := 100000 + n
			if n == changed {
				v--
			}
			fmt.Fprintf(&b, `{"not":{"type":"string","maxLength":%d}}`, v)
			n++
			return
		}
		b.WriteString(`{"anyOf":[`)
		for i := range 5 {
			if i > 0 {
				b.WriteByte(',')
			}
			walk(d + 1)
		}
		b.WriteString(`]}`)
	}
	walk(0)
	return b.String()
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	fl, err := filelog.Open(t.TempDir(), filelog.Config{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fl.Close() })
	st, err := store.Open(context.Background(), store.Config{Log: fl})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func wantStopCode(t *testing.T, what string, err error, code store.Code) {
	t.Helper()
	var se *store.Error
	if !errors.As(err, &se) || se.Code != code {
		t.Errorf("%s: error %v, want code %d", what, err, code)
	}
}

// TestCompatibilityCheckStops (review finding 9): a check over its work budget is 42201, by
// the compatibility endpoint and by registration, which registers nothing; a check or a
// registration whose request has ended is 50002.
func TestCompatibilityCheckStops(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	v1 := store.SchemaRequest{Type: compat.TypeJSON, Schema: nestedAnyOf(5, -1), ID: -1}
	if _, err := st.Register(ctx, "crafted", v1, false); err != nil {
		t.Fatal(err)
	}
	v2 := store.SchemaRequest{Type: compat.TypeJSON, Schema: nestedAnyOf(5, 7), ID: -1}
	_, err := st.CheckCompatibility(ctx, "crafted", v2, store.CheckOptions{Version: store.Latest, Verbose: true})
	wantStopCode(t, "check over budget", err, store.CodeInvalidSchema)
	_, err = st.Register(ctx, "crafted", v2, false)
	wantStopCode(t, "registration over budget", err, store.CodeInvalidSchema)
	if vs, err := st.Versions(ctx, "crafted", store.VersionsOptions{}); err != nil || len(vs) != 1 {
		t.Errorf("versions after a refused registration: %v %v", vs, err)
	}

	ended, cancel := context.WithCancel(ctx)
	cancel()
	small := store.SchemaRequest{Type: compat.TypeAvro, Schema: `"string"`, ID: -1}
	if _, err := st.Register(ctx, "small", small, false); err != nil {
		t.Fatal(err)
	}
	next := store.SchemaRequest{Type: compat.TypeAvro, Schema: `"bytes"`, ID: -1}
	_, err = st.CheckCompatibility(ended, "small", next, store.CheckOptions{Version: store.Latest})
	wantStopCode(t, "check of an ended request", err, store.CodeOperationTimeout)
	_, err = st.Register(ended, "small", next, false)
	wantStopCode(t, "registration of an ended request", err, store.CodeOperationTimeout)
}

// checkRunning reports whether some goroutine is inside compat.Check.
func checkRunning(t *testing.T) bool {
	var dump bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&dump, 1); err != nil {
		t.Fatal(err)
	}
	return strings.Contains(dump.String(), "accord/compat.Check")
}

// TestCompatibilityCheckLeavesTheStateLock: a long compatibility check does not hold the
// state's lock, which would hold back every write and, behind it, every read. Each attempt
// starts a check and, while it runs (seen running before and after), tries the lock.
func TestCompatibilityCheckLeavesTheStateLock(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	v1 := store.SchemaRequest{Type: compat.TypeJSON, Schema: nestedAnyOf(5, -1), ID: -1}
	if _, err := st.Register(ctx, "crafted", v1, false); err != nil {
		t.Fatal(err)
	}
	v2 := store.SchemaRequest{Type: compat.TypeJSON, Schema: nestedAnyOf(5, 7), ID: -1}
	for range 5 {
		checkCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, _ = st.CheckCompatibility(checkCtx, "crafted", v2, store.CheckOptions{Version: store.Latest})
		}()
		for !checkRunning(t) && !isClosed(done) {
			time.Sleep(5 * time.Millisecond)
		}
		free := st.StateLockFree()
		running := checkRunning(t) && !isClosed(done)
		cancel()
		<-done
		if running {
			if !free {
				t.Fatal("a running compatibility check holds the state lock")
			}
			return
		}
	}
	t.Fatal("no check ran long enough to try the lock")
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
