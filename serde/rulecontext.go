package serde

import (
	"sync"

	"github.com/accord-registry/accord/serde/rules"
)

// contextPool lends the rules.Context a record's rules run in. A Runner may use the context
// for the length of its call only ([rules.Runner]), so a writer or reader reuses contexts
// rather than allocating one per record. The zero pool is ready to use.
type contextPool struct{ pool sync.Pool }

// get returns a context holding c.
func (p *contextPool) get(c rules.Context) *rules.Context {
	rc, _ := p.pool.Get().(*rules.Context)
	if rc == nil {
		rc = new(rules.Context)
	}
	*rc = c
	return rc
}

// put clears rc, so that the pool keeps no record, schema or context alive, and takes it back.
func (p *contextPool) put(rc *rules.Context) {
	*rc = rules.Context{}
	p.pool.Put(rc)
}
