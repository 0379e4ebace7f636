package serde

import (
	"container/list"
	"sync"
	"time"
)

// LRU is a bounded map, safe for concurrent use, that forgets its least recently used entry
// first, and whose entries expire ttl after they were stored when ttl > 0. The client's
// caches and the DEK Registry client (serde/deks) keep what they learn from a registry in it.
type LRU[K comparable, V any] struct {
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

// NewLRU returns an empty LRU of at most capacity entries (at least one); now is the clock
// expiry is measured with (time.Now when nil).
func NewLRU[K comparable, V any](capacity int, ttl time.Duration, now func() time.Time) *LRU[K, V] {
	if now == nil {
		now = time.Now
	}
	return &LRU[K, V]{capacity: max(capacity, 1), ttl: ttl, now: now, order: list.New(), entries: make(map[K]*list.Element)}
}

// Get returns the value of key unless it is absent or expired.
func (c *LRU[K, V]) Get(key K) (V, bool) {
	v, found, fresh := c.Peek(key)
	return v, found && fresh
}

// Peek returns the value of key, whether there is one, and whether it has not expired: a
// caller may still use an expired value (while the registry cannot be reached, say).
func (c *LRU[K, V]) Peek(key K) (value V, found, fresh bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return value, false, false
	}
	e := el.Value.(*lruEntry[K, V])
	c.order.MoveToFront(el)
	return e.value, true, e.expires.IsZero() || c.now().Before(e.expires)
}

// Put stores value under key, evicting the least recently used entry when full.
func (c *LRU[K, V]) Put(key K, value V) {
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

// Remove forgets key.
func (c *LRU[K, V]) Remove(key K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.order.Remove(el)
		delete(c.entries, key)
	}
}

// Update replaces, in place, each value for which f returns a new one.
func (c *LRU[K, V]) Update(f func(K, V) (V, bool)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for el := c.order.Front(); el != nil; el = el.Next() {
		e := el.Value.(*lruEntry[K, V])
		if v, ok := f(e.key, e.value); ok {
			e.value = v
		}
	}
}

// Len is the number of entries, expired ones included.
func (c *LRU[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
