package store

import (
	"sync"

	"github.com/accord-registry/accord/compat"
)

// parseCacheSize bounds the parsed schemas kept; canonicalCacheSize the canonical texts, which
// are far smaller, so many more fit.
const (
	parseCacheSize     = 4096
	canonicalCacheSize = 65536
)

// parseKey identifies a parse of a schema without references: parsing is a pure function of
// these, so a cached result is exactly what parsing again would give.
type parseKey struct {
	typ  compat.SchemaType
	text string
	opts compat.ParseOptions
}

// parseCache remembers recent parses of reference-free schemas. Serializers look up and
// register the same schema text over and over; re-parsing it each time would dominate those
// requests. Schemas with references are not cached, because what a reference resolves to can
// change when a referenced version is deleted.
type parseCache struct {
	mu        sync.Mutex // guards the following fields
	entries   map[parseKey]*compat.Schema
	canonical map[parseKey]string
}

func (c *parseCache) get(k parseKey) *compat.Schema {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[k]
}

// canonicalText returns the canonical text a parse of k produced, which is all a lookup needs.
func (c *parseCache) canonicalText(k parseKey) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	text, ok := c.canonical[k]
	return text, ok
}

// put stores a parse and its canonical text, evicting arbitrary entries when full.
func (c *parseCache) put(k parseKey, s *compat.Schema) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[parseKey]*compat.Schema, parseCacheSize)
		c.canonical = make(map[parseKey]string, canonicalCacheSize)
	}
	evictOne(c.entries, parseCacheSize)
	evictOne(c.canonical, canonicalCacheSize)
	c.entries[k] = s
	c.canonical[k] = s.Canonical()
}

// evictOne removes an arbitrary entry from a full map.
func evictOne[V any](m map[parseKey]V, limit int) {
	if len(m) < limit {
		return
	}
	for k := range m {
		delete(m, k)
		return
	}
}
