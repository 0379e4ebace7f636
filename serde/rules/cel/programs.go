package cel

import (
	"sync"

	celgo "github.com/google/cel-go/cel"
)

// programKey says what a compiled program depends on: the expression, the struct tag its
// adapter reads field names from, and the CEL types of the message and the field value
// (a protobuf message's full name, or a kind such as "map" or "string").
type programKey struct {
	expr, tag, message, value string
}

// compiled is a program, or the error compiling it gave (kept, so that a bad expression
// is not compiled again for every record).
type compiled struct {
	prg celgo.Program
	err error
}

// programs is a bounded cache of compiled programs. When full, it forgets an arbitrary
// one: the working set of a serde is its rules times the types they see, far under any
// sensible bound, so the bound only stops a pathological caller from growing it forever.
type programs struct {
	mu  sync.RWMutex
	m   map[programKey]compiled
	max int
}

func newPrograms(max int) *programs {
	return &programs{m: make(map[programKey]compiled), max: max}
}

func (p *programs) get(k programKey) (compiled, bool) {
	p.mu.RLock()
	c, ok := p.m[k]
	p.mu.RUnlock()
	return c, ok
}

func (p *programs) put(k programKey, c compiled) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.m) >= p.max {
		for old := range p.m {
			delete(p.m, old)
			break
		}
	}
	p.m[k] = c
}

func (p *programs) len() int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return len(p.m)
}
