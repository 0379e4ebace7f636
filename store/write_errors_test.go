package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// brokenLog is the real file log with one failure injected: appends fail (a full disk), or
// syncs never finish (a stalled disk) until the caller gives up.
type brokenLog struct {
	*filelog.Log
	failAppend, stallSync bool
}

func (l *brokenLog) Append(recs []store.Record) (int64, error) {
	if l.failAppend {
		return 0, errors.New("no space left on device")
	}
	return l.Log.Append(recs)
}

func (l *brokenLog) Sync(ctx context.Context, through int64) error {
	if l.stallSync {
		<-ctx.Done()
		return ctx.Err()
	}
	return l.Log.Sync(ctx, through)
}

// TestWriteFailures: a failed append is 50001 and a write that cannot be made durable in time
// is 50002, never an acknowledged registration.
func TestWriteFailures(t *testing.T) {
	fl, err := filelog.Open(t.TempDir(), filelog.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer fl.Close()
	log := &brokenLog{Log: fl}
	st, err := store.Open(context.Background(), store.Config{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	req := store.SchemaRequest{Schema: `"string"`, Type: compat.TypeAvro, ID: -1}

	log.failAppend = true
	_, err = st.Register(context.Background(), "s", req, false)
	wantCode(t, err, store.CodeStoreError)

	log.failAppend, log.stallSync = false, true
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = st.Register(ctx, "s", req, false)
	wantCode(t, err, store.CodeOperationTimeout)
}

func wantCode(t *testing.T, err error, code store.Code) {
	t.Helper()
	var se *store.Error
	if !errors.As(err, &se) || se.Code != code {
		t.Fatalf("err = %v, want a store.Error with code %d", err, code)
	}
}
