package serde

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)} }

func TestCacheSingleFlight(t *testing.T) {
	c := newCache[int, string](10, 0, time.Now)
	var loads atomic.Int32
	release := make(chan struct{})
	load := func(context.Context) (string, error) {
		loads.Add(1)
		<-release
		return "v", nil
	}
	var wg sync.WaitGroup
	results := make([]string, 50)
	for i := range results {
		wg.Go(func() {
			v, err := c.get(context.Background(), 1, load, nil)
			if err != nil {
				t.Error(err)
			}
			results[i] = v
		})
	}
	// Every caller is either waiting on the flight or has not reached the cache yet; either
	// way no second load may start, because the first is still running.
	for loads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if n := loads.Load(); n != 1 {
		t.Errorf("%d loads for one key, want 1", n)
	}
	for i, v := range results {
		if v != "v" {
			t.Fatalf("caller %d got %q", i, v)
		}
	}
}

func TestCacheErrorsAreNotCached(t *testing.T) {
	c := newCache[int, string](10, 0, time.Now)
	fail := errors.New("registry down")
	if _, err := c.get(context.Background(), 1, func(context.Context) (string, error) { return "", fail }, nil); !errors.Is(err, fail) {
		t.Fatalf("got %v, want the load's error", err)
	}
	v, err := c.get(context.Background(), 1, func(context.Context) (string, error) { return "v", nil }, nil)
	if err != nil || v != "v" {
		t.Fatalf("after a failed load: %q, %v; want a new load", v, err)
	}
}

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c := newCache[int, int](2, 0, time.Now)
	get := func(k int) {
		t.Helper()
		if _, err := c.get(context.Background(), k, func(context.Context) (int, error) { return k, nil }, nil); err != nil {
			t.Fatal(err)
		}
	}
	get(1)
	get(2)
	get(1) // 2 is now the least recently used
	get(3)
	if c.len() != 2 {
		t.Fatalf("%d entries, capacity 2", c.len())
	}
	_, has1, _ := c.values.Peek(1)
	_, has2, _ := c.values.Peek(2)
	if !has1 || has2 {
		t.Errorf("after 1,2,1,3 with capacity 2: has 1 = %v (want true), has 2 = %v (want false)", has1, has2)
	}
}

func TestCacheExpiryAndStaleOnError(t *testing.T) {
	clock := newFakeClock()
	c := newCache[string, int](10, time.Minute, clock.now)
	ctx := context.Background()
	calls := 0
	value := func(v int) func(context.Context) (int, error) {
		return func(context.Context) (int, error) { calls++; return v, nil }
	}
	down := errors.New("connection refused")
	failing := func(context.Context) (int, error) { calls++; return 0, down }
	staleOnAnything := func(error) bool { return true }

	if v, _ := c.get(ctx, "s", value(1), staleOnAnything); v != 1 {
		t.Fatalf("first get: %d", v)
	}
	if v, _ := c.get(ctx, "s", value(2), staleOnAnything); v != 1 || calls != 1 {
		t.Fatalf("within the TTL: got %d after %d loads, want the cached 1 after 1 load", v, calls)
	}
	clock.advance(time.Minute)
	if v, err := c.get(ctx, "s", failing, staleOnAnything); err != nil || v != 1 || calls != 2 {
		t.Fatalf("expired, registry down: got %d, %v after %d loads; want the stale 1 after a reload attempt", v, err, calls)
	}
	if _, err := c.get(ctx, "s", failing, func(error) bool { return false }); !errors.Is(err, down) {
		t.Fatalf("expired, error not accepted as stale: got %v, want the error", err)
	}
	if v, _ := c.get(ctx, "s", value(3), staleOnAnything); v != 3 {
		t.Fatalf("expired, registry back: got %d, want the new 3", v)
	}
}

func TestCacheCallerContext(t *testing.T) {
	c := newCache[int, int](10, 0, time.Now)
	release := make(chan struct{})
	started := make(chan struct{})
	load := func(ctx context.Context) (int, error) {
		close(started)
		<-release
		return 7, ctx.Err()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := c.get(ctx, 1, load, nil)
		done <- err
	}()
	<-started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v", err)
	}
	// The load goes on for other callers, unaffected by the first caller giving up.
	second := make(chan int)
	go func() {
		v, err := c.get(context.Background(), 1, load, nil)
		if err != nil {
			t.Error(err)
		}
		second <- v
	}()
	close(release)
	if v := <-second; v != 7 {
		t.Fatalf("second caller got %d", v)
	}
}

func TestMemo(t *testing.T) {
	var m Memo[int, string]
	if _, ok := m.Load(1); ok {
		t.Fatal("empty memo has a value")
	}
	m.Store(1, "a")
	m.Store(2, "b")
	if v, ok := m.Load(1); !ok || v != "a" {
		t.Fatalf("Load(1) = %q, %v", v, ok)
	}
	small := Memo[int, int]{Capacity: 3}
	for i := range 10 {
		small.Store(i, i)
		if small.Len() > 3 {
			t.Fatalf("memo of capacity 3 holds %d", small.Len())
		}
		if v, ok := small.Load(i); !ok || v != i {
			t.Fatalf("the value just stored is missing: %d", i)
		}
	}
}

func BenchmarkMemoLoad(b *testing.B) {
	var m Memo[targetKey, *targetEntry]
	for i := range 8 {
		m.Store(targetKey{topic: string(rune('a' + i)), record: "r"}, &targetEntry{})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := m.Load(targetKey{"c", "r"}); !ok {
			b.Fatal("miss")
		}
	}
}
