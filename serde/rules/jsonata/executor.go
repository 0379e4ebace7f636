package jsonata

import (
	"errors"
	"fmt"

	jsonatago "github.com/xiatechs/jsonata-go"

	"github.com/accord-registry/accord/serde/rules"
)

// ErrUndefined is the cause of a failed rule whose expression yielded nothing (JSONata's
// undefined: a path that matched no field, say).
var ErrUndefined = errors.New("jsonata: expression yielded no value")

// defaultCacheSize bounds the compiled expressions an executor keeps: far above the rules
// a serde meets, low enough that a caller making up expressions cannot grow it forever.
const defaultCacheSize = 1000

// Option configures an Executor.
type Option func(*Executor)

// WithCacheSize bounds the number of compiled expressions kept (at least one).
func WithCacheSize(n int) Option {
	return func(x *Executor) { x.cacheSize = max(n, 1) }
}

// Executor runs rules of type JSONATA on the whole message. It is safe for concurrent use.
type Executor struct {
	cacheSize int
	exprs     *expressions
}

// NewExecutor returns the JSONATA executor.
func NewExecutor(opts ...Option) *Executor {
	x := &Executor{cacheSize: defaultCacheSize}
	for _, o := range opts {
		o(x)
	}
	x.exprs = rules.NewCompiled[string, compiled](x.cacheSize)
	return x
}

// Type is "JSONATA".
func (x *Executor) Type() string { return "JSONATA" }

// Transform evaluates the rule's expression on msg, a JSON-like tree, and returns the tree
// it yields. A syntax error or an evaluation error fails the rule.
func (x *Executor) Transform(rc *rules.Context, msg any) (any, error) {
	expr, err := x.compile(rc.Rule.Expr)
	if err != nil {
		return nil, err
	}
	out, err := expr.Eval(msg)
	if errors.Is(err, jsonatago.ErrUndefined) {
		return nil, ErrUndefined
	}
	if err != nil {
		return nil, fmt.Errorf("jsonata: %w", err)
	}
	return normalize(out), nil
}

// compile returns the compiled expression, from the cache when it was compiled before.
func (x *Executor) compile(src string) (*jsonatago.Expr, error) {
	if c, ok := x.exprs.Get(src); ok {
		return c.expr, c.err
	}
	var c compiled
	if src == "" {
		c.err = errors.New("jsonata: the rule has no expression")
	} else if c.expr, c.err = jsonatago.Compile(src); c.err != nil {
		c.err = fmt.Errorf("jsonata: %w", c.err)
	}
	x.exprs.Put(src, c)
	return c.expr, c.err
}
