package store

import (
	"sync"

	"github.com/accord-registry/accord/compat"
)

// The caches are bounded so that the registry's memory does not grow with the schemas it has
// parsed: parseCacheSize parsed reference-free schemas, versionCacheSize parsed stored versions
// with references, and canonicalCacheBytes of request and canonical texts (bounded in bytes,
// because one large schema would otherwise cost as much as thousands of small ones).
const (
	parseCacheSize      = 4096
	versionCacheSize    = 4096
	canonicalCacheBytes = 8 << 20
)

// parseKey identifies a parse of a schema without references: parsing is a pure function of
// these, so a cached result is exactly what parsing again would give.
type parseKey struct {
	typ  compat.SchemaType
	text string
	opts compat.ParseOptions
}

// parseCache remembers recent parses. Serializers look up and register the same schema text
// over and over; re-parsing it each time would dominate those requests. Parses of request
// texts with references are not cached, because what a reference resolves to can change when
// a referenced version is deleted; a stored version is cached by identity (a version is never
// changed in place: a soft delete replaces it), so that the latest versions, which every
// registration's compatibility check parses, stay parsed.
type parseCache struct {
	mu             sync.Mutex // guards the following fields
	entries        map[parseKey]*compat.Schema
	canonical      map[parseKey]string
	canonicalBytes int
	versions       map[*version]*compat.Schema
	failures       map[*version]error // parsefailures.go
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
		c.entries = make(map[parseKey]*compat.Schema)
		c.canonical = make(map[parseKey]string)
	}
	evictOne(c.entries, parseCacheSize)
	c.entries[k] = s
	c.putCanonical(k, s.Canonical())
}

// putCanonical stores a canonical text, evicting until the texts fit canonicalCacheBytes.
// A text larger than the whole budget is not kept.
func (c *parseCache) putCanonical(k parseKey, text string) {
	size := len(k.text) + len(text)
	if _, ok := c.canonical[k]; ok || size > canonicalCacheBytes {
		return
	}
	for other, t := range c.canonical {
		if c.canonicalBytes+size <= canonicalCacheBytes {
			break
		}
		c.canonicalBytes -= len(other.text) + len(t)
		delete(c.canonical, other)
	}
	c.canonical[k] = text
	c.canonicalBytes += size
}

// version returns the cached parse of a stored version.
func (c *parseCache) version(v *version) *compat.Schema {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.versions[v]
}

// putVersion caches the parse of a stored version.
func (c *parseCache) putVersion(v *version, s *compat.Schema) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.versions == nil {
		c.versions = make(map[*version]*compat.Schema)
	}
	evictOne(c.versions, versionCacheSize)
	c.versions[v] = s
}

// evictOne removes an arbitrary entry from a full map.
func evictOne[K comparable, V any](m map[K]V, limit int) {
	if len(m) < limit {
		return
	}
	for k := range m {
		delete(m, k)
		return
	}
}
