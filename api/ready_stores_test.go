package api

import (
	"net/http"
	"testing"

	"github.com/accord-registry/accord/store"
)

// TestReadyzFollowsReadyStores: the exporters' stores count for readiness as the DEK
// Registry's does. Until they have caught up with their logs, the leader would take an
// exporter it has not read yet for one that does not exist.
func TestReadyzFollowsReadyStores(t *testing.T) {
	configs, states := openTestStore(t), openTestStore(t)
	e := New(Config{Store: openTestStore(t), ReadyStores: []*store.Store{configs, states}})
	if rec := serveRecorded(e, "GET", "/readyz", ""); rec.Code != http.StatusOK {
		t.Fatalf("GET /readyz on ready stores = %d %s", rec.Code, rec.Body)
	}
	states.Close()
	for target, want := range map[string]int{"/subjects": 200, "/readyz": 503, "/healthz": 200} {
		if rec := serveRecorded(e, "GET", target, ""); rec.Code != want {
			t.Errorf("GET %s with the exporters' states store closed = %d %s, want %d", target, rec.Code, rec.Body, want)
		}
	}
}
