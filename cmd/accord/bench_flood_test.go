package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accord-registry/accord/store/filelog"
)

// BenchmarkAuthFlood answers the review's finding 8: how much a flood of wrong passwords
// slows the clients whose credentials are already verified. `accord serve` runs with its
// defaults and a bcrypt users file; 4 victims ask for schema 1 with the right password, in
// turn for floodPhase unloaded and for floodPhase while 16 connections send wrong passwords
// (for the known user and for unknown ones) as fast as they are answered, ignoring
// Retry-After. With addresses=16 each connection comes from its own loopback address, so the
// per-address failure limit does not stop them and only the bound on checks at once
// protects the victims; with addresses=1 they share one. Run with -benchtime=1x; the
// figures are the reported metrics (victim p50 and p99 in ms, unloaded and flooded, and
// their ratios).
func BenchmarkAuthFlood(b *testing.B) {
	for _, addresses := range []int{16, 1} {
		b.Run(fmt.Sprint("addresses=", addresses), func(b *testing.B) {
			for b.Loop() {
				authFlood(b, addresses)
			}
		})
	}
}

const floodPhase = 5 * time.Second

func authFlood(b *testing.B, addresses int) {
	ctx := context.Background()
	dir := b.TempDir()
	st, closeStore, err := openBenchStore(ctx, filepath.Join(dir, "data"), filelog.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer closeStore()
	env := &secureEnv{}
	defer env.stop()
	sc := serveDefaults()
	if env.password, err = randomPassword(); err != nil {
		b.Fatal(err)
	}
	sc.authFile = filepath.Join(dir, "users.yaml")
	if env.bcryptCost, err = writeUsersFile(sc.authFile, benchUser, env.password); err != nil {
		b.Fatal(err)
	}
	victim, err := env.start(sc, st, "auth", "http", newBenchClient(8))
	if err != nil {
		b.Fatal(err)
	}
	victim = victim.with(basicAuthorization(benchUser, env.password))
	req, _ := http.NewRequest(http.MethodPost, victim.base+"/subjects/s/versions", strings.NewReader(`{"schema":"\"int\""}`))
	req.Header.Set("Authorization", victim.authorization)
	req.Header.Set("Content-Type", "application/json")
	if err := checkOK(victim.client.Do(req)); err != nil {
		b.Fatal(err)
	}

	unloaded := victimLatencies(b, victim, floodPhase)
	stop := make(chan struct{})
	var sent, throttled atomic.Int64
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() { flood(victim.base, 2+i%addresses, i, stop, &sent, &throttled) })
	}
	time.Sleep(time.Second) // the flood's bursts are spent; what follows is its steady state
	sent.Store(0)
	throttled.Store(0)
	flooded := victimLatencies(b, victim, floodPhase)
	close(stop)
	wg.Wait()

	p50u, p99u := percentile(unloaded, 50), percentile(unloaded, 99)
	p50f, p99f := percentile(flooded, 50), percentile(flooded, 99)
	b.ReportMetric(ms(p50u), "p50-unloaded-ms")
	b.ReportMetric(ms(p99u), "p99-unloaded-ms")
	b.ReportMetric(ms(p50f), "p50-flooded-ms")
	b.ReportMetric(ms(p99f), "p99-flooded-ms")
	b.ReportMetric(float64(p50f)/float64(p50u), "p50-ratio")
	b.ReportMetric(float64(p99f)/float64(p99u), "p99-ratio")
	b.ReportMetric(float64(sent.Load())/floodPhase.Seconds(), "flood-req/s")
	b.ReportMetric(float64(throttled.Load())/float64(max(sent.Load(), 1)), "flood-429-share")
	b.ReportMetric(float64(len(unloaded))/floodPhase.Seconds(), "victim-unloaded-req/s")
	b.ReportMetric(float64(len(flooded))/floodPhase.Seconds(), "victim-flooded-req/s")
}

// victimLatencies runs 4 victims asking for schema 1 for d and returns every request's time.
func victimLatencies(b *testing.B, t *lookupTarget, d time.Duration) []time.Duration {
	var mu sync.Mutex
	var all []time.Duration
	end := time.Now().Add(d)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			var mine []time.Duration
			for time.Now().Before(end) {
				start := time.Now()
				if err := t.get(1); err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return all
}

// flood sends wrong passwords over one connection from 127.0.0.<host> until stop closes:
// odd requests for the known user, even ones for unknown users, every password new.
func flood(base string, host, worker int, stop <-chan struct{}, sent, throttled *atomic.Int64) {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(host))}}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: dialer.DialContext, MaxConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		user := benchUser
		if i%2 == 0 {
			user = fmt.Sprintf("nobody-%d-%d", worker, i)
		}
		req, _ := http.NewRequest(http.MethodGet, base+"/subjects", nil)
		req.SetBasicAuth(user, fmt.Sprintf("wrong-%d-%d", worker, i))
		resp, err := client.Do(req)
		if err != nil {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		sent.Add(1)
		if resp.StatusCode == http.StatusTooManyRequests {
			throttled.Add(1)
		}
	}
}

func percentile(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
