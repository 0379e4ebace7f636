package cel

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"

	celgo "github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/interpreter"
	"google.golang.org/protobuf/proto"

	"github.com/accord-registry/accord/serde/rules"
)

// DefaultCacheSize is how many compiled programs an executor keeps unless told otherwise.
const DefaultCacheSize = 1000

// Option configures an executor.
type Option func(*evaluator)

// WithCacheSize bounds the executor's cache of compiled programs.
func WithCacheSize(n int) Option {
	return func(ev *evaluator) { ev.programs = rules.NewCompiled[programKey, compiled](n) }
}

// evaluator compiles and runs expressions; both executors are one.
type evaluator struct {
	env      *celgo.Env
	programs *programs
	plans    map[string]*sync.Map // the struct adapters' plans, by struct tag
	// activations lends the variables of one evaluation: a program reads them only while
	// it runs, and the result is converted to Go values before they are given back.
	activations activationPool
}

// activationPool reuses activations rather than allocating one per record or field.
type activationPool struct{ pool sync.Pool }

// get returns an activation holding a.
func (p *activationPool) get(a activation) *activation {
	vars, _ := p.pool.Get().(*activation)
	if vars == nil {
		vars = new(activation)
	}
	*vars = a
	return vars
}

// put clears vars, so that the pool keeps no record alive, and takes it back.
func (p *activationPool) put(vars *activation) {
	*vars = activation{}
	p.pool.Put(vars)
}

func newEvaluator(opts []Option) (*evaluator, error) {
	env, err := newEnv()
	if err != nil {
		return nil, err
	}
	ev := &evaluator{env: env, programs: rules.NewCompiled[programKey, compiled](DefaultCacheSize),
		plans: map[string]*sync.Map{"avro": {}, "json": {}}}
	for _, o := range opts {
		o(ev)
	}
	return ev, nil
}

// run evaluates the rule's expression with the guard syntax of Confluent's executors: text
// before the first ';' is a guard, and when it is false or fails the rule is skipped (a
// CONDITION passes, a TRANSFORM gives input back).
func (ev *evaluator) run(rc *rules.Context, vars *activation, input any) (any, error) {
	expr := rc.Rule.Expr
	if guard, rest, ok := strings.Cut(expr, ";"); ok {
		if strings.TrimSpace(guard) != "" {
			v, err := ev.eval(rc, guard, vars, nil)
			if pass, isBool := v.(bool); err != nil || (isBool && !pass) {
				if rc.Rule.Kind == rules.Condition {
					return true, nil
				}
				return input, nil
			}
		}
		expr = rest
	}
	if rc.Rule.Kind == rules.Condition {
		input = nil // a verdict is a bool whatever the input
	}
	return ev.eval(rc, expr, vars, input)
}

// eval runs one expression. The result is converted to like's Go type when it can be (a
// field transform gives back an int32 for an int32 field), else to plain Go values.
func (ev *evaluator) eval(rc *rules.Context, expr string, vars *activation, like any) (any, error) {
	prg, err := ev.program(rc, expr, vars)
	if err != nil {
		return nil, err
	}
	out, _, err := prg.Eval(vars)
	if err != nil {
		return nil, fmt.Errorf("CEL expr %s failed: %w", expr, err)
	}
	return native(out, like)
}

func (ev *evaluator) program(rc *rules.Context, expr string, vars *activation) (celgo.Program, error) {
	k := programKey{expr: expr, tag: structTag(rc), message: typeKey(vars.message)}
	if vars.field != nil {
		k.value = typeKey(vars.value)
	}
	c, ok := ev.programs.Get(k)
	if !ok {
		c.prg, c.err = ev.compile(k, vars)
		ev.programs.Put(k, c)
	}
	return c.prg, c.err
}

func (ev *evaluator) compile(k programKey, vars *activation) (celgo.Program, error) {
	env, err := ev.env.Extend(vars.declarations()...)
	if err != nil {
		return nil, err
	}
	a := &adapter{base: env.CELTypeAdapter(), tag: k.tag, plans: ev.plans[k.tag]}
	if env, err = env.Extend(celgo.CustomTypeAdapter(a)); err != nil {
		return nil, err
	}
	ast, iss := env.Compile(k.expr)
	if iss.Err() != nil {
		return nil, iss.Err()
	}
	return env.Program(ast, celgo.EvalOptions(celgo.OptOptimize))
}

// structTag is the struct tag that names a typed record's fields in the target's format.
func structTag(rc *rules.Context) string {
	if rc.Target != nil && rc.Target.SchemaType == "AVRO" {
		return "avro"
	}
	return "json"
}

// activation holds the variables of one evaluation: message for CEL; for CEL_FIELD also
// the field's value, fullName, name, typeName and tags.
type activation struct {
	message    any
	field      *rules.Field // nil for CEL; else &fieldValue
	value      any
	fieldValue rules.Field
}

func (a *activation) ResolveName(name string) (any, bool) {
	if name == "message" {
		return a.message, true
	}
	if a.field == nil {
		return nil, false
	}
	switch name {
	case "value":
		return a.value, true
	case "fullName":
		return a.field.FullName, true
	case "name":
		return a.field.Name, true
	case "typeName":
		return string(a.field.Type), true
	case "tags":
		return a.field.Tags, true
	}
	return nil, false
}

func (a *activation) Parent() interpreter.Activation { return nil }

// declarations declares the variables with the CEL types of their values, and registers a
// protobuf message's type so that its fields type-check.
func (a *activation) declarations() []celgo.EnvOption {
	d := declare("message", a.message)
	if a.field != nil {
		d = append(d, declare("value", a.value)...)
		d = append(d,
			celgo.Variable("fullName", celgo.StringType),
			celgo.Variable("name", celgo.StringType),
			celgo.Variable("typeName", celgo.StringType),
			celgo.Variable("tags", celgo.ListType(celgo.StringType)))
	}
	return d
}

func declare(name string, v any) []celgo.EnvOption {
	if m, ok := v.(proto.Message); ok {
		full := string(m.ProtoReflect().Descriptor().FullName())
		return []celgo.EnvOption{celgo.Types(m), celgo.Variable(name, celgo.ObjectType(full))}
	}
	return []celgo.EnvOption{celgo.Variable(name, celType(typeKey(v)))}
}

// typeKey names the CEL type a Go value is declared with: a protobuf message's full name,
// else one of the kinds celType knows.
func typeKey(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case proto.Message:
		return string(v.ProtoReflect().Descriptor().FullName())
	case bool:
		return "bool"
	case string:
		return "string"
	case []byte:
		return "bytes"
	case int, int8, int16, int32, int64:
		return "int"
	case uint, uint8, uint16, uint32, uint64:
		return "uint"
	case float32, float64:
		return "double"
	case map[string]any:
		return "map"
	case []any:
		return "list"
	case json.Number:
		return "dyn" // an int or a double, known once read
	}
	return kindKey(reflect.TypeOf(v))
}

func kindKey(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "bool"
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "int"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "uint"
	case reflect.Float32, reflect.Float64:
		return "double"
	case reflect.Map:
		return "map"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "bytes"
		}
		return "list"
	}
	return "dyn" // structs, pointers, interfaces
}

func celType(key string) *celgo.Type {
	switch key {
	case "null":
		return celgo.NullType
	case "bool":
		return celgo.BoolType
	case "string":
		return celgo.StringType
	case "bytes":
		return celgo.BytesType
	case "int":
		return celgo.IntType
	case "uint":
		return celgo.UintType
	case "double":
		return celgo.DoubleType
	case "map":
		return celgo.MapType(celgo.DynType, celgo.DynType)
	case "list":
		return celgo.ListType(celgo.DynType)
	}
	return celgo.DynType
}

// native converts a result to Go: to like's type when it is not nil and the conversion
// works, else maps to map[string]any, lists to []any, and values to their Go value.
func native(out ref.Val, like any) (any, error) {
	if like != nil {
		if v, err := out.ConvertToNative(reflect.TypeOf(like)); err == nil {
			return v, nil
		}
	}
	switch v := out.(type) {
	case types.Null:
		return nil, nil
	case traits.Mapper:
		return nativeMap(v)
	case traits.Lister:
		return nativeList(v)
	}
	return out.Value(), nil
}

func nativeMap(m traits.Mapper) (any, error) {
	out := make(map[string]any)
	for it := m.Iterator(); it.HasNext() == types.True; {
		k := it.Next()
		key, ok := k.Value().(string)
		if !ok {
			return nil, fmt.Errorf("CEL map key %v is not a string", k)
		}
		v, err := native(m.Get(k), nil)
		if err != nil {
			return nil, err
		}
		out[key] = v
	}
	return out, nil
}

func nativeList(l traits.Lister) (any, error) {
	n := int(l.Size().(types.Int))
	out := make([]any, n)
	for i := range n {
		v, err := native(l.Get(types.Int(i)), nil)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func errConvert(from, to reflect.Type) error {
	return fmt.Errorf("CEL: cannot convert %v to %v", from, to)
}
