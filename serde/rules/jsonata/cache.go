package jsonata

import (
	jsonatago "github.com/xiatechs/jsonata-go"

	"github.com/accord-registry/accord/serde/rules"
)

// compiled is an expression, or the error compiling it gave.
type compiled struct {
	expr *jsonatago.Expr
	err  error
}

// expressions is the bounded cache of compiled expressions by their text.
type expressions = rules.Compiled[string, compiled]
