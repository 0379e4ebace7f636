package deks

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

// TestConflictRereadIsFresh: the read after a 409 must see the DEK the winner created, not
// the answer of a lookup that started before the create (and so says 404). Concurrent
// identical lookups share one request; the re-read must not join one begun earlier.
func TestConflictRereadIsFresh(t *testing.T) {
	const dek = `{"kekName":"k","subject":"s","version":1,"algorithm":"AES256_GCM","encryptedKeyMaterial":"AAAA","ts":1,"deleted":false}`
	release, arrived := make(chan struct{}), make(chan struct{})
	var gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		switch {
		case r.Method == http.MethodPost:
			w.WriteHeader(http.StatusConflict)
			w.Write([]byte(`{"error_code":40971,"message":"Key 's' already exists; use a different value"}`))
		case gets.Add(1) == 1: // the early lookup: held until the re-read is answered, then 404
			close(arrived)
			<-release
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error_code":40470,"message":"Key 's' not found"}`))
		default:
			w.Write([]byte(dek))
		}
	}))
	defer srv.Close()
	cl, err := sr.NewClient(sr.URLs(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, cl)
	ctx := context.Background()
	early := make(chan error, 1)
	go func() {
		_, err := c.DEK(ctx, "k", "s", 1, AES256GCM, false)
		early <- err
	}()
	<-arrived
	done := make(chan error, 1)
	go func() {
		_, err := c.CreateDEKOrGet(ctx, "k", CreateDEK{Subject: "s", Version: 1, EncryptedKeyMaterial: "AAAA"}, 1)
		done <- err
	}()
	// Joining the early lookup would wait for it, held until release, until the client's
	// own timeout gives up: an error either way.
	got := <-done
	close(release)
	if got != nil {
		t.Fatalf("CreateDEKOrGet after a 409 = %v, want the winner's DEK", got)
	}
	if err := <-early; !IsNotFound(err) {
		t.Errorf("the early lookup = %v, want its 404", err)
	}
}
