package cel

import (
	"reflect"

	"github.com/accord-registry/accord/serde/rules"
)

// Executor runs rules of type CEL on the whole message, the variable message.
type Executor struct{ ev *evaluator }

// NewExecutor returns the CEL executor.
func NewExecutor(opts ...Option) (*Executor, error) {
	ev, err := newEvaluator(opts)
	if err != nil {
		return nil, err
	}
	return &Executor{ev: ev}, nil
}

// Type is "CEL".
func (x *Executor) Type() string { return "CEL" }

// Transform evaluates the rule's expression on msg: a bool for a CONDITION, the new
// message for a TRANSFORM.
func (x *Executor) Transform(rc *rules.Context, msg any) (any, error) {
	vars := x.ev.activations.get(activation{message: msg})
	defer x.ev.activations.put(vars)
	return x.ev.run(rc, vars, msg)
}

// FieldExecutor runs rules of type CEL_FIELD on each primitive field the rule selects,
// with the variables value, fullName, name, typeName, tags and message (the record
// holding the field). Null values pass through untouched.
type FieldExecutor struct{ ev *evaluator }

// NewFieldExecutor returns the CEL_FIELD executor.
func NewFieldExecutor(opts ...Option) (*FieldExecutor, error) {
	ev, err := newEvaluator(opts)
	if err != nil {
		return nil, err
	}
	return &FieldExecutor{ev: ev}, nil
}

// Type is "CEL_FIELD".
func (x *FieldExecutor) Type() string { return "CEL_FIELD" }

// Transform walks msg with the serde's field walker, as the engine does.
func (x *FieldExecutor) Transform(rc *rules.Context, msg any) (any, error) {
	return rules.WalkFields(rc, x, msg)
}

// NewFieldTransform returns the transform applied to each selected field.
func (x *FieldExecutor) NewFieldTransform(*rules.Context) (rules.FieldTransform, error) {
	return fieldTransform{x.ev}, nil
}

type fieldTransform struct{ ev *evaluator }

func (t fieldTransform) TransformField(rc *rules.Context, f rules.Field, value any) (any, error) {
	if isNil(value) {
		return value, nil
	}
	if !rules.IsPrimitive(f.Type) {
		return value, nil
	}
	vars := t.ev.activations.get(activation{message: f.Containing, value: value})
	vars.field, vars.fieldValue = &vars.fieldValue, f // the field lives in the pooled activation, not on the heap
	defer t.ev.activations.put(vars)
	return t.ev.run(rc, vars, value)
}

// isNil is true for nil and for nil pointers (an optional field left out).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
