package rules

import "sync"

// Compiled is a bounded cache, safe for concurrent use, of what executors compile from rule
// expressions (CEL programs, JSONata expressions), failures included, so that a bad
// expression is not compiled again for every record. When full it forgets an arbitrary
// entry: a serde's working set is its rules times the types they see, far under any sensible
// bound, which only stops a pathological caller from growing it forever.
type Compiled[K comparable, V any] struct {
	mu  sync.RWMutex
	m   map[K]V
	max int
}

// NewCompiled returns an empty cache of at most limit entries (at least one).
func NewCompiled[K comparable, V any](limit int) *Compiled[K, V] {
	return &Compiled[K, V]{m: make(map[K]V), max: max(limit, 1)}
}

// Get returns the entry of k.
func (c *Compiled[K, V]) Get(k K) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[k]
	c.mu.RUnlock()
	return v, ok
}

// Put keeps v as the entry of k, forgetting another entry when the cache is full.
func (c *Compiled[K, V]) Put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = v
}

// Len returns the number of entries.
func (c *Compiled[K, V]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
