package cel

import (
	celgo "github.com/google/cel-go/cel"

	"github.com/accord-registry/accord/serde/rules"
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

// programs is the bounded cache of compiled programs.
type programs = rules.Compiled[programKey, compiled]
