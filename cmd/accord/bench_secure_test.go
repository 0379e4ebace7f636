package main

import (
	"context"
	"crypto/tls"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accord-registry/accord/store/filelog"
)

// TestSecureBenchEnforcesAuthAndTLS checks that the secure side BenchmarkIDLookup and
// accord bench --secure measure is really closed and really HTTPS, so that neither can
// quietly compare two open servers; and that their own check would notice if it were not.
func TestSecureBenchEnforcesAuthAndTLS(t *testing.T) {
	env := startTestSecureEnv(t, &benchConfig{clients: 2, schemas: 2, subjects: 2})

	if got := statusOf(env.secure.with(""), "/schemas/ids/1"); got != http.StatusUnauthorized {
		t.Errorf("over TLS without credentials: %d, want 401", got)
	}
	if got := statusOf(env.secure.with(basicAuthorization(benchUser, "not-the-password")), "/schemas/ids/1"); got != http.StatusUnauthorized {
		t.Errorf("over TLS with a wrong password: %d, want 401", got)
	}
	resp, err := env.secure.do("/schemas/ids/1")
	if err := checkOK(resp, err); err != nil {
		t.Fatalf("over TLS with the credentials: %v", err)
	}
	if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Errorf("the secure side answered without TLS 1.2 or later: %+v", resp.TLS)
	}
	plainToTLS := &lookupTarget{client: http.DefaultClient, base: "http" + env.secure.base[len("https"):],
		authorization: env.secure.authorization}
	if got := statusOf(plainToTLS, "/schemas/ids/1"); got == http.StatusOK {
		t.Errorf("plain HTTP with the credentials to the TLS port: 200, want it refused")
	}

	if _, err := env.check(); err != nil {
		t.Errorf("check of a correct setup: %v", err)
	}
	open := *env
	open.secure = env.plain.with(env.secure.authorization)
	if _, err := open.check(); err == nil {
		t.Errorf("check passed with the plain server in the secure side's place, want it to refuse to measure")
	}
}

// BenchmarkIDLookup compares GET /schemas/ids/{id} over plain HTTP without auth with HTTPS
// and Basic auth, served from one store in this process:
//
//	go test -run '^$' -bench BenchmarkIDLookup ./cmd/accord
//
// The ratio of the two req/s is what accord bench --secure reports, with less control over
// noise (no alternation); compare with benchstat over -count runs.
func BenchmarkIDLookup(b *testing.B) {
	c := &benchConfig{clients: 32, schemas: 1000, subjects: 100}
	env := startTestSecureEnv(b, c)
	for _, target := range env.targets() {
		// Warm up once, as accord bench --secure does: the keep-alive connections, their
		// TLS handshakes and the credential cache are paid once, not per request.
		if _, err := c.lookups(context.Background(), target, 500*time.Millisecond); err != nil {
			b.Fatal(err)
		}
		b.Run(target.name, func(b *testing.B) { benchLookups(b, c, target) })
	}
}

// benchLookups runs c.clients goroutines (as near as RunParallel allows) over the target's
// keep-alive connections, each asking for the ids accord bench asks for.
func benchLookups(b *testing.B, c *benchConfig, target *lookupTarget) {
	b.SetParallelism(max(1, c.clients/runtime.GOMAXPROCS(0)))
	var workers atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := int(workers.Add(1))
		for i := 0; pb.Next(); i++ {
			if err := target.get(c.lookupID(w, i)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// startTestSecureEnv serves a store filled with c.schemas schemas plainly and securely until
// the test ends, checked as accord bench --secure checks it. The log does not fsync: the
// fill is not what is measured.
func startTestSecureEnv(tb testing.TB, c *benchConfig) *secureEnv {
	tb.Helper()
	st, closeStore, err := openBenchStore(context.Background(), tb.TempDir(), filelog.Config{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(closeStore)
	env, err := startSecureEnv(st, c.clients)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(env.stop)
	if _, err := c.registerAll(context.Background(), env.plain.client, env.plain.base); err != nil {
		tb.Fatal(err)
	}
	if _, err := env.check(); err != nil {
		tb.Fatal(err)
	}
	return env
}
