package serde_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
)

// TestClientRefusesIDsOutsideInt32: a registry answering with an id that a 4-byte schema id
// cannot hold gets an error, never a truncated id that names another schema (4294967301 used
// to become id 5). Register, Lookup, Version and Latest all read ids from the registry.
func TestClientRefusesIDsOutsideInt32(t *testing.T) {
	for _, id := range []string{"4294967301", "2147483648", "-1"} {
		t.Run(id, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
				fmt.Fprintf(w, `{"subject":"t","id":%s,"version":1,"schema":"\"string\""}`, id)
			}))
			defer srv.Close()
			cl, err := sr.NewClient(sr.URLs(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			c := serde.NewClient(cl)
			ctx := context.Background()
			s := sr.Schema{Schema: `"string"`, Type: sr.TypeAvro}
			calls := map[string]func() (serde.Registered, error){
				"Register": func() (serde.Registered, error) { return c.Register(ctx, "t", s, false) },
				"Lookup":   func() (serde.Registered, error) { return c.Lookup(ctx, "t", s, false) },
				"Version":  func() (serde.Registered, error) { return c.Version(ctx, "t", 1) },
				"Latest":   func() (serde.Registered, error) { return c.Latest(ctx, "t") },
				"LatestWithMetadata": func() (serde.Registered, error) {
					return c.LatestWithMetadata(ctx, "t", map[string]string{"a": "b"})
				},
			}
			for name, call := range calls {
				got, err := call()
				if err == nil || !strings.Contains(err.Error(), id) {
					t.Errorf("%s = id %d, %v; want an error naming id %s", name, got.ID, err, id)
				}
			}
		})
	}
}
