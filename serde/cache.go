package serde

import (
	"container/list"
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
	capacity int
	ttl      time.Duration
	now      func() time.Time

	mu      sync.Mutex
	order   *list.List // of *entry[K, V], most recently used first
	entries map[K]*list.Element
	loading map[K]*flight[V]
}

type entry[K comparable, V any] struct {
	key     K
	value   V
	expires time.Time // zero: never
}

// flight is one load in progress; done is closed when value and err are set.
type flight[V any] struct {
	done  chan struct{}
	value V
	err   error
}

func newCache[K comparable, V any](capacity int, ttl time.Duration, now func() time.Time) *cache[K, V] {
	return &cache[K, V]{capacity: max(capacity, 1), ttl: ttl, now: now, order: list.New(),
		entries: make(map[K]*list.Element), loading: make(map[K]*flight[V])}
}

// get returns the value for key, loading it with load on a miss or after expiry. load runs
// with a context that is not cancelled when the caller that started it gives up, because
// other callers may be waiting for it; each caller stops waiting when its own ctx ends. When
// a reload of an expired entry fails and stale(err) is true, the old value is returned.
func (c *cache[K, V]) get(ctx context.Context, key K, load func(context.Context) (V, error), stale func(error) bool) (V, error) {
	c.mu.Lock()
	old, found, fresh := c.lookup(key)
	if fresh {
		c.mu.Unlock()
		return old, nil
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

// run performs one load and publishes its result to the cache and to the waiters.
func (c *cache[K, V]) run(ctx context.Context, key K, f *flight[V], load func(context.Context) (V, error)) {
	f.value, f.err = load(ctx)
	c.mu.Lock()
	delete(c.loading, key)
	if f.err == nil {
		c.put(key, f.value)
	}
	c.mu.Unlock()
	close(f.done)
}

// lookup reports the cached value, whether there is one, and whether it is still fresh.
// Callers hold mu.
func (c *cache[K, V]) lookup(key K) (value V, found, fresh bool) {
	el, ok := c.entries[key]
	if !ok {
		return value, false, false
	}
	e := el.Value.(*entry[K, V])
	c.order.MoveToFront(el)
	return e.value, true, e.expires.IsZero() || c.now().Before(e.expires)
}

// put stores a value, evicting the least recently used entry when full. Callers hold mu.
func (c *cache[K, V]) put(key K, value V) {
	var expires time.Time
	if c.ttl > 0 {
		expires = c.now().Add(c.ttl)
	}
	if el, ok := c.entries[key]; ok {
		el.Value = &entry[K, V]{key: key, value: value, expires: expires}
		c.order.MoveToFront(el)
		return
	}
	c.entries[key] = c.order.PushFront(&entry[K, V]{key: key, value: value, expires: expires})
	if c.order.Len() > c.capacity {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.entries, last.Value.(*entry[K, V]).key)
	}
}

// len is the number of cached entries, for tests.
func (c *cache[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
