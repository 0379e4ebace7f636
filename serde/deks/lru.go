package deks

import (
	"container/list"
	"sync"
	"time"
)

// lru is a bounded map that forgets its least recently used entry first, and entries older
// than ttl when ttl > 0.
type lru[K comparable, V any] struct {
	capacity int
	ttl      time.Duration
	now      func() time.Time

	mu      sync.Mutex // guards the following fields
	order   *list.List // of *lruEntry[K, V], most recently used first
	entries map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	key     K
	value   V
	expires time.Time // zero: never
}

func newLRU[K comparable, V any](capacity int, ttl time.Duration, now func() time.Time) *lru[K, V] {
	return &lru[K, V]{capacity: max(capacity, 1), ttl: ttl, now: now, order: list.New(), entries: make(map[K]*list.Element)}
}

// get returns the value of key unless it is absent or expired.
func (c *lru[K, V]) get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero V
	el, ok := c.entries[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*lruEntry[K, V])
	if !e.expires.IsZero() && !c.now().Before(e.expires) {
		c.order.Remove(el)
		delete(c.entries, key)
		return zero, false
	}
	c.order.MoveToFront(el)
	return e.value, true
}

// put stores value under key, evicting the least recently used entry when full.
func (c *lru[K, V]) put(key K, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := &lruEntry[K, V]{key: key, value: value}
	if c.ttl > 0 {
		e.expires = c.now().Add(c.ttl)
	}
	if el, ok := c.entries[key]; ok {
		el.Value = e
		c.order.MoveToFront(el)
		return
	}
	c.entries[key] = c.order.PushFront(e)
	if c.order.Len() > c.capacity {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.entries, last.Value.(*lruEntry[K, V]).key)
	}
}

// remove forgets key.
func (c *lru[K, V]) remove(key K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.order.Remove(el)
		delete(c.entries, key)
	}
}

// update replaces, in place, each value for which f returns a new one.
func (c *lru[K, V]) update(f func(K, V) (V, bool)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for el := c.order.Front(); el != nil; el = el.Next() {
		e := el.Value.(*lruEntry[K, V])
		if v, ok := f(e.key, e.value); ok {
			e.value = v
		}
	}
}

// len is the number of entries, for tests.
func (c *lru[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
