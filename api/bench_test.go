package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/api/metrics"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// The benchmarks serve requests through the full echo stack in-process, so they measure the
// registry's own cost per request. Compare each with BenchmarkBaseline, an echo handler that
// answers a constant 60-byte JSON body, run in the same invocation:
//
//	go test -run '^$' -bench . ./api

const benchSchemas = 10_000

func benchRecordSchema(n int) string {
	return fmt.Sprintf(`{"schema":"{\"type\":\"record\",\"name\":\"R%d\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"v\",\"type\":[\"null\",\"string\"],\"default\":null}]}"}`, n)
}

// newTestAPI returns the API over a real store on a file log in a temporary directory.
// Without sync the log skips fsync, for tests and benchmarks that do not measure durability.
func newTestAPI(tb testing.TB, sync bool) http.Handler {
	tb.Helper()
	log, err := filelog.Open(tb.TempDir(), filelog.Config{NoSync: !sync})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { log.Close() })
	st, err := store.Open(context.Background(), store.Config{Log: log})
	if err != nil {
		tb.Fatal(err)
	}
	return New(Config{Store: st, MaxRequestBytes: 1 << 20})
}

// benchServer returns a handler over a store holding benchSchemas schemas, one per subject,
// with what `accord serve` always has on: metrics, and the request limits at their defaults.
func benchServer(b *testing.B) http.Handler {
	b.Helper()
	log, err := filelog.Open(b.TempDir(), filelog.Config{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { log.Close() })
	st, err := store.Open(context.Background(), store.Config{Log: log})
	if err != nil {
		b.Fatal(err)
	}
	h := New(Config{Store: st, Metrics: metrics.New()})
	for n := 0; n < benchSchemas; n++ {
		if code := serve(h, "POST", fmt.Sprintf("/subjects/s%d/versions", n), benchRecordSchema(n)); code != http.StatusOK {
			b.Fatalf("register %d: %d", n, code)
		}
	}
	return h
}

func serve(h http.Handler, method, path, body string) int {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func BenchmarkBaseline(b *testing.B) {
	body := []byte(`{"id":1,"schema":"\"string\"","padding":"xxxxxxxxxxxxxxxxxx"}`)
	e := echo.New()
	e.GET("/baseline", func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/vnd.schemaregistry.v1+json", body)
	})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if serve(e, "GET", "/baseline", "") != http.StatusOK {
				b.Fatal("baseline failed")
			}
		}
	})
}

func BenchmarkSchemaByID(b *testing.B) {
	h := benchServer(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			if code := serve(h, "GET", fmt.Sprintf("/schemas/ids/%d", 1+i%benchSchemas), ""); code != http.StatusOK {
				b.Fatalf("status %d", code)
			}
		}
	})
}

func BenchmarkLookup(b *testing.B) {
	h := benchServer(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			n := i % benchSchemas
			if code := serve(h, "POST", fmt.Sprintf("/subjects/s%d", n), benchRecordSchema(n)); code != http.StatusOK {
				b.Fatalf("status %d", code)
			}
		}
	})
}

// BenchmarkRegister registers new schemas with fsync on: every acknowledged registration is
// durable, and concurrent ones share flushes.
func BenchmarkRegister(b *testing.B) {
	h := newTestAPI(b, true)
	b.SetParallelism(16) // 32 concurrent registrations on 2 cores
	var next atomicCounter
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := next.add()
			if code := serve(h, "POST", fmt.Sprintf("/subjects/r%d/versions", n), benchRecordSchema(n)); code != http.StatusOK {
				b.Fatalf("status %d", code)
			}
		}
	})
}

type atomicCounter struct{ n atomic.Int64 }

func (c *atomicCounter) add() int { return int(c.n.Add(1)) }
