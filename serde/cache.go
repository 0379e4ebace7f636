package serde

import (
	"context"
	"sync"
	"time"
)

// cache is a bounded least-recently-used map whose misses are loaded once: callers that miss
// the same key while a load is under way wait for that load instead of starting their own, so
// a burst of records with an unknown schema id makes one registry request.
//
// Entries may carry an expiry (ttl > 0). An expired entry is reloaded on the next get; when
// that reload fails with an error that keep accepts, the stale value is returned instead, so
// a registry outage does not stop a producer whose latest-version lookup happened to expire.
type cache[K comparable, V any] struct {
	values *LRU[K, V]

	mu      sync.Mutex // guards loading
	loading map[K]*flight[V]
}

// flight is one load in progress; done is closed when value and err are set.
type flight[V any] struct {
	done  chan struct{}
	value V
	err   error
}

func newCache[K comparable, V any](capacity int, ttl time.Duration, now func() time.Time) *cache[K, V] {
	return &cache[K, V]{values: NewLRU[K, V](capacity, ttl, now), loading: make(map[K]*flight[V])}
}

// get returns the value for key, loading it with load on a miss or after expiry. load runs
// with a context that is not cancelled when the caller that started it gives up, because
// other callers may be waiting for it; each caller stops waiting when its own ctx ends. When
// a reload of an expired entry fails and stale(err) is true, the old value is returned.
func (c *cache[K, V]) get(ctx context.Context, key K, load func(context.Context) (V, error), stale func(error) bool) (V, error) {
	old, found, fresh := c.values.Peek(key)
	if fresh {
		return old, nil
	}
	c.mu.Lock()
	// A load that ended since the look above has stored its value before leaving loading
	// (see run): look again, so that it is not loaded twice.
	if v, _, fresh := c.values.Peek(key); fresh {
		c.mu.Unlock()
		return v, nil
	}
	f, joined := c.loading[key]
	if !joined {
		f = &flight[V]{done: make(chan struct{})}
		c.loading[key] = f
		go c.run(context.WithoutCancel(ctx), key, f, load)
	}
	c.mu.Unlock()

	select {
	case <-f.done:
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
	if f.err != nil && found && stale != nil && stale(f.err) {
		return old, nil
	}
	return f.value, f.err
}

// run performs one load and publishes its result to the cache and to the waiters. The value
// is stored before the load leaves loading, so that a caller never finds neither.
func (c *cache[K, V]) run(ctx context.Context, key K, f *flight[V], load func(context.Context) (V, error)) {
	f.value, f.err = load(ctx)
	if f.err == nil {
		c.values.Put(key, f.value)
	}
	c.mu.Lock()
	delete(c.loading, key)
	c.mu.Unlock()
	close(f.done)
}

// len is the number of cached entries, for tests.
func (c *cache[K, V]) len() int { return c.values.Len() }
