package store

import (
	"sync"

	"github.com/accord-registry/accord/compat"
)

// parseCacheSize bounds the parse cache. Each entry holds one parsed schema.
const parseCacheSize = 4096

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
	mu      sync.Mutex // guards the following fields
	entries map[parseKey]*compat.Schema
}

func (c *parseCache) get(k parseKey) *compat.Schema {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[k]
}

// put stores a parse, evicting an arbitrary entry when full.
func (c *parseCache) put(k parseKey, s *compat.Schema) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[parseKey]*compat.Schema, parseCacheSize)
	}
	if len(c.entries) >= parseCacheSize {
		for old := range c.entries {
			delete(c.entries, old)
			break
		}
	}
	c.entries[k] = s
}
