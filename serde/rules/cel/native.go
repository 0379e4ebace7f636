package cel

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"google.golang.org/protobuf/proto"
)

// adapter shows Go values to CEL. Maps, slices, primitives and protobuf messages go to
// cel-go's own adapter; a struct (a hamba/avro or encoding/json typed record) becomes a
// structVal whose fields are read by the names the schema gives them, one field at a time
// and only the fields an expression reads. Converting a whole struct to a map per record,
// the other way, costs an allocation per field; this costs one per struct read.
type adapter struct {
	base  types.Adapter
	tag   string    // the struct tag holding a field's schema name: "avro" or "json"
	plans *sync.Map // reflect.Type → structPlan for this tag, shared by an executor's programs
}

func (a *adapter) NativeToValue(v any) ref.Val {
	switch v := v.(type) {
	case ref.Val:
		return v
	case proto.Message, time.Time, []byte:
		return a.base.NativeToValue(v)
	case map[string]any:
		return types.NewStringInterfaceMap(a, v)
	case []any:
		return types.NewDynamicList(a, v)
	case json.Number:
		return jsonNumber(v)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return types.NullValue
		}
		if rv.Elem().Kind() == reflect.Struct {
			return a.structVal(v, rv.Elem())
		}
		return a.NativeToValue(rv.Elem().Interface())
	case reflect.Struct:
		return a.structVal(v, rv)
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() != reflect.Uint8 {
			return types.NewDynamicList(a, v)
		}
	case reflect.Map:
		return types.NewDynamicMap(a, v)
	}
	return a.base.NativeToValue(v)
}

// jsonNumber is a number decoded with encoding/json's UseNumber: an int when it is one,
// else a double.
func jsonNumber(n json.Number) ref.Val {
	if i, err := n.Int64(); err == nil {
		return types.Int(i)
	}
	f, err := n.Float64()
	if err != nil {
		return types.NewErr("CEL: %q is not a number", string(n))
	}
	return types.Double(f)
}

func (a *adapter) structVal(orig any, rv reflect.Value) ref.Val {
	return &structVal{orig: orig, v: rv, plan: a.plan(rv.Type()), a: a}
}

// structPlan maps a struct type's schema field names to their field indexes.
type structPlan map[string][]int

func (a *adapter) plan(t reflect.Type) structPlan {
	if p, ok := a.plans.Load(t); ok {
		return p.(structPlan)
	}
	p := structPlan{}
	for _, f := range reflect.VisibleFields(t) {
		name, ok := schemaName(f, a.tag)
		if _, taken := p[name]; ok && !taken {
			p[name] = f.Index
		}
	}
	a.plans.Store(t, p)
	return p
}

// schemaName is the name a field has in the schema: its tag's name, else its Go name.
// Unexported fields, fields tagged "-" and untagged embedded structs (whose fields are
// promoted) have none.
func schemaName(f reflect.StructField, tag string) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	name, _, _ := strings.Cut(f.Tag.Get(tag), ",")
	switch {
	case name == "-":
		return "", false
	case name != "":
		return name, true
	case f.Anonymous && f.Type.Kind() == reflect.Struct:
		return "", false
	}
	return f.Name, true
}

// structVal is a Go struct seen by CEL as a map from its schema field names to values.
type structVal struct {
	orig any // what the caller gave: the struct or a pointer to it
	v    reflect.Value
	plan structPlan
	a    *adapter
}

func (s *structVal) field(name ref.Val) (reflect.Value, bool) {
	key, ok := name.(types.String)
	if !ok {
		return reflect.Value{}, false
	}
	idx, ok := s.plan[string(key)]
	if !ok {
		return reflect.Value{}, false
	}
	f, err := s.v.FieldByIndexErr(idx)
	return f, err == nil
}

// Get reads a field (message.total, message['total']).
func (s *structVal) Get(name ref.Val) ref.Val {
	f, ok := s.field(name)
	if !ok {
		return types.NewErr("no such key: %v", name)
	}
	return s.a.fieldValue(f)
}

// fieldValue converts a field without boxing it first when it is a number, string or
// bool (the common case, and the one a condition reads).
func (a *adapter) fieldValue(f reflect.Value) ref.Val {
	switch f.Kind() {
	case reflect.String:
		return types.String(f.String())
	case reflect.Bool:
		return types.Bool(f.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return types.Int(f.Int())
	case reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return types.Uint(f.Uint())
	case reflect.Float32, reflect.Float64:
		return types.Double(f.Float())
	}
	return a.NativeToValue(f.Interface())
}

// IsSet answers has(message.field): the field exists and is not a nil pointer, map,
// slice or interface.
func (s *structVal) IsSet(name ref.Val) ref.Val {
	f, ok := s.field(name)
	if !ok {
		return types.False
	}
	switch f.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
		return types.Bool(!f.IsNil())
	}
	return types.True
}

// ConvertToNative gives back the caller's value, for a transform that returns the message
// it was given.
func (s *structVal) ConvertToNative(t reflect.Type) (any, error) {
	switch {
	case reflect.TypeOf(s.orig) == t, t.Kind() == reflect.Interface && reflect.TypeOf(s.orig).Implements(t):
		return s.orig, nil
	case s.v.Type() == t:
		return s.v.Interface(), nil
	}
	return nil, errConvert(s.v.Type(), t)
}

func (s *structVal) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return types.MapType
	}
	return types.NewErr("type conversion error from map to '%s'", t)
}

func (s *structVal) Equal(other ref.Val) ref.Val {
	o, ok := other.(*structVal)
	return types.Bool(ok && reflect.DeepEqual(s.v.Interface(), o.v.Interface()))
}

func (s *structVal) Type() ref.Type { return types.MapType }
func (s *structVal) Value() any     { return s.orig }
