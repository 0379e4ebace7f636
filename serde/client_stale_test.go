package serde

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
)

// TestLatestStaleOnError drives the latest-version cache through an outage with a registry
// whose answers the test scripts: a 5xx or an unreachable registry keeps the last answer, a
// 4xx (the subject is gone) does not.
func TestLatestStaleOnError(t *testing.T) {
	var status atomic.Int32
	status.Store(http.StatusOK)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/subjects/users-value/versions/latest" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		switch code := int(status.Load()); code {
		case http.StatusOK:
			_, _ = w.Write([]byte(`{"subject":"users-value","version":3,"id":7,"schema":"\"string\""}`))
		case http.StatusNotFound:
			w.WriteHeader(code)
			_, _ = w.Write([]byte(`{"error_code":40401,"message":"Subject 'users-value' not found."}`))
		default:
			w.WriteHeader(code)
			_, _ = w.Write([]byte(`{"error_code":50001,"message":"Error in the backend data store"}`))
		}
	}))
	defer srv.Close()
	cl, err := sr.NewClient(sr.URLs(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock()
	c := NewClient(cl, LatestTTL(time.Minute), clientClock(clock.now))
	ctx := context.Background()
	latest := func() (Registered, error) { return c.Latest(ctx, "users-value") }

	if r, err := latest(); err != nil || r.ID != 7 || r.Version != 3 {
		t.Fatalf("latest: %+v, %v", r, err)
	}
	status.Store(http.StatusServiceUnavailable)
	clock.advance(2 * time.Minute)
	if r, err := latest(); err != nil || r.ID != 7 {
		t.Fatalf("expired during a 503: %+v, %v; want the stale answer", r, err)
	}
	status.Store(http.StatusNotFound)
	_, err = latest()
	var re *sr.ResponseError
	if !errors.As(err, &re) || re.ErrorCode != 40401 {
		t.Fatalf("expired, subject deleted: %v; want the 40401", err)
	}
	status.Store(http.StatusOK)
	if _, err := latest(); err != nil {
		t.Fatal(err)
	}
	srv.Close() // unreachable
	clock.advance(2 * time.Minute)
	if r, err := latest(); err != nil || r.ID != 7 {
		t.Fatalf("expired, registry unreachable: %+v, %v; want the stale answer", r, err)
	}
}
