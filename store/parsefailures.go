package store

// A stored version whose text does not parse (only a trusted topic brings one: see
// Config.TrustSchemaText) fails the same way every time, because a version is never changed in
// place. Its failure is remembered beside the parses of stored versions, by identity and as
// bounded, so that a request that needs it parsed (a lookup comparing the subject's versions,
// a rendered format, a compatibility check) costs a map read instead of a parse: the text can
// be megabytes that fail only at their end, and the requests can be anonymous.

// failure returns the remembered parse failure of a stored version, or nil.
func (c *parseCache) failure(v *version) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.failures[v]
}

// putFailure remembers that a stored version does not parse, evicting an arbitrary failure
// when versionCacheSize of them are held.
func (c *parseCache) putFailure(v *version, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failures == nil {
		c.failures = make(map[*version]error)
	}
	evictOne(c.failures, versionCacheSize)
	c.failures[v] = err
}
