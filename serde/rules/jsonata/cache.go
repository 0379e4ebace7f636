package jsonata

import (
	"sync"

	jsonatago "github.com/xiatechs/jsonata-go"
)

// compiled is an expression, or the error compiling it gave.
type compiled struct {
	expr *jsonatago.Expr
	err  error
}

// expressions is a bounded cache of compiled expressions by their text. When full it
// forgets an arbitrary one: a serde's working set is its rules, far under the bound.
type expressions struct {
	mu  sync.RWMutex
	m   map[string]compiled
	max int
}

func newExpressions(max int) *expressions {
	return &expressions{m: make(map[string]compiled), max: max}
}

func (e *expressions) get(src string) (compiled, bool) {
	e.mu.RLock()
	c, ok := e.m[src]
	e.mu.RUnlock()
	return c, ok
}

func (e *expressions) put(src string, c compiled) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.m) >= e.max {
		for old := range e.m {
			delete(e.m, old)
			break
		}
	}
	e.m[src] = c
}

func (e *expressions) len() int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return len(e.m)
}
