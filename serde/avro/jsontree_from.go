package avro

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"

	hamba "github.com/hamba/avro/v2"
)

// FromJSONTree is ToJSONTree's reverse: it reads tree, typically what a migration made of
// one, as a value of schema that hamba/avro encodes (records as map[string]any, unions as
// {"<hamba branch name>": value}, fixed as [N]byte, logical types as their underlying
// types). A record field missing from the tree takes its default, or null when its type is
// a union with null (jsonata-go leaves null fields out of what it builds); keys the schema
// does not know are dropped. A union value may also come unwrapped, as Confluent's Python
// serdes write it: the first branch that takes it is chosen. Numbers are taken from any Go
// numeric type and json.Number, as long as they fit the Avro type.
func FromJSONTree(schema hamba.Schema, tree any) (any, error) {
	return fromTree(schema, tree, "$")
}

func fromTree(s hamba.Schema, v any, path string) (any, error) {
	if ref, ok := s.(*hamba.RefSchema); ok {
		s = ref.Schema()
	}
	switch s.Type() {
	case hamba.Null:
		if v != nil {
			return nil, fmt.Errorf("serde/avro: %s: null is %T", path, v)
		}
		return nil, nil
	case hamba.Record:
		return recordFromTree(s.(*hamba.RecordSchema), v, path)
	case hamba.Map:
		return mapFromTree(s.(*hamba.MapSchema), v, path)
	case hamba.Array:
		return arrayFromTree(s.(*hamba.ArraySchema), v, path)
	case hamba.Union:
		return unionFromTree(s.(*hamba.UnionSchema), v, path)
	case hamba.Bytes:
		return bytesFromTree(s, v, path)
	case hamba.Fixed:
		b, err := bytesFromTree(s, v, path)
		if err != nil {
			return nil, err
		}
		size := s.(*hamba.FixedSchema).Size()
		if len(b) != size {
			return nil, fmt.Errorf("serde/avro: %s: fixed of %d bytes given %d", path, size, len(b))
		}
		arr := reflect.New(reflect.ArrayOf(size, reflect.TypeFor[byte]())).Elem()
		reflect.Copy(arr, reflect.ValueOf(b))
		return arr.Interface(), nil
	case hamba.Int, hamba.Long, hamba.Float, hamba.Double:
		return numberFromTree(s.Type(), v, path)
	case hamba.Boolean:
		if _, ok := v.(bool); !ok {
			return nil, fmt.Errorf("serde/avro: %s: boolean is %T", path, v)
		}
	case hamba.String, hamba.Enum:
		if _, ok := v.(string); !ok {
			return nil, fmt.Errorf("serde/avro: %s: %s is %T", path, s.Type(), v)
		}
		if e, ok := s.(*hamba.EnumSchema); ok && !hasSymbol(e, v.(string)) {
			return nil, fmt.Errorf("serde/avro: %s: %q is not a symbol of enum %s", path, v, e.FullName())
		}
	}
	return v, nil
}

func hasSymbol(e *hamba.EnumSchema, sym string) bool {
	for _, s := range e.Symbols() {
		if s == sym {
			return true
		}
	}
	return false
}

func recordFromTree(s *hamba.RecordSchema, v any, path string) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("serde/avro: %s: record %s is %T, not an object", path, s.FullName(), v)
	}
	out := make(map[string]any, len(s.Fields()))
	for _, f := range s.Fields() {
		fv, present := m[f.Name()]
		if !present {
			switch {
			case f.HasDefault():
				continue // hamba/avro writes the default
			case nullable(f.Type()):
				out[f.Name()] = nil
				continue
			}
			return nil, fmt.Errorf("serde/avro: %s: record %s has no field %s, which has no default", path, s.FullName(), f.Name())
		}
		conv, err := fromTree(f.Type(), fv, path+"."+f.Name())
		if err != nil {
			return nil, err
		}
		out[f.Name()] = conv
	}
	return out, nil
}

func nullable(s hamba.Schema) bool {
	u, ok := s.(*hamba.UnionSchema)
	return ok && u.Nullable()
}

func mapFromTree(s *hamba.MapSchema, v any, path string) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("serde/avro: %s: map is %T, not an object", path, v)
	}
	out := make(map[string]any, len(m))
	for k, e := range m {
		conv, err := fromTree(s.Values(), e, path+"."+k)
		if err != nil {
			return nil, err
		}
		out[k] = conv
	}
	return out, nil
}

func arrayFromTree(s *hamba.ArraySchema, v any, path string) (any, error) {
	a, ok := v.([]any)
	if !ok && v != nil {
		return nil, fmt.Errorf("serde/avro: %s: array is %T, not an array", path, v)
	}
	out := make([]any, len(a))
	for i, e := range a {
		conv, err := fromTree(s.Items(), e, fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		out[i] = conv
	}
	return out, nil
}

// unionFromTree reads {"<branch>": value} (the branch by its JSON-encoding or its hamba/avro
// name), or nil for a union with null, or else an unwrapped value, taken by the first
// non-null branch that reads it.
func unionFromTree(s *hamba.UnionSchema, v any, path string) (any, error) {
	if v == nil {
		if !s.Nullable() {
			return nil, fmt.Errorf("serde/avro: %s: null for a union without null", path)
		}
		return nil, nil
	}
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		for name, bv := range m {
			if branch := unionBranch(s, name); branch != nil {
				conv, err := fromTree(branch, bv, path)
				if err != nil {
					return nil, err
				}
				if branch.Type() == hamba.Null {
					return nil, nil
				}
				return map[string]any{hambaBranchName(branch): conv}, nil
			}
		}
	}
	for _, branch := range s.Types() {
		if branch.Type() == hamba.Null {
			continue
		}
		if conv, err := fromTree(branch, v, path); err == nil {
			return map[string]any{hambaBranchName(branch): conv}, nil
		}
	}
	return nil, fmt.Errorf("serde/avro: %s: no branch of the union takes a %T", path, v)
}

// unionBranch finds a branch by its JSON-encoding name or by hamba/avro's.
func unionBranch(s *hamba.UnionSchema, name string) hamba.Schema {
	for _, b := range s.Types() {
		if jsonBranchName(b) == name || hambaBranchName(b) == name {
			return b
		}
	}
	return nil
}

func bytesFromTree(s hamba.Schema, v any, path string) ([]byte, error) {
	switch t := v.(type) {
	case string:
		return stringToBytes(t, path)
	case []byte:
		return t, nil
	}
	return nil, fmt.Errorf("serde/avro: %s: %s is %T, not a string", path, s.Type(), v)
}

// numberFromTree converts a number of any Go numeric type (or a json.Number) to the type
// hamba/avro encodes the Avro type from: int, int64, float32 or float64. An int or long must
// be whole and in range.
func numberFromTree(t hamba.Type, v any, path string) (any, error) {
	f, i, isInt, err := number(v)
	if err != nil {
		return nil, fmt.Errorf("serde/avro: %s: %s is %w", path, t, err)
	}
	switch t {
	case hamba.Float:
		return float32(f), nil
	case hamba.Double:
		return f, nil
	}
	if !isInt {
		return nil, fmt.Errorf("serde/avro: %s: %s is %v, not a whole number", path, t, v)
	}
	if t == hamba.Int {
		if i < math.MinInt32 || i > math.MaxInt32 {
			return nil, fmt.Errorf("serde/avro: %s: %d is out of range for an int", path, i)
		}
		return int(i), nil
	}
	return i, nil
}

// number reads v as a float and, when it is whole and fits, an int64.
func number(v any) (f float64, i int64, isInt bool, err error) {
	switch t := v.(type) {
	case int:
		return float64(t), int64(t), true, nil
	case int8:
		return float64(t), int64(t), true, nil
	case int16:
		return float64(t), int64(t), true, nil
	case int32:
		return float64(t), int64(t), true, nil
	case int64:
		return float64(t), t, true, nil
	case uint8:
		return float64(t), int64(t), true, nil
	case uint16:
		return float64(t), int64(t), true, nil
	case uint32:
		return float64(t), int64(t), true, nil
	case uint64:
		return float64(t), int64(t), t <= math.MaxInt64, nil
	case uint:
		return float64(t), int64(t), uint64(t) <= math.MaxInt64, nil
	case float32:
		return floatNumber(float64(t))
	case float64:
		return floatNumber(t)
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return float64(n), n, true, nil
		}
		x, err := t.Float64()
		if err != nil {
			return 0, 0, false, fmt.Errorf("%q, not a number", t)
		}
		return floatNumber(x)
	}
	return 0, 0, false, fmt.Errorf("a %T, not a number", v)
}

func floatNumber(x float64) (float64, int64, bool, error) {
	if x == math.Trunc(x) && x >= math.MinInt64 && x < math.MaxInt64 {
		return x, int64(x), true, nil
	}
	return x, 0, false, nil
}

// stringToBytes reverses bytesToString; a character beyond U+00FF is an error.
func stringToBytes(s, path string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			return nil, fmt.Errorf("serde/avro: %s: bytes are written one character per byte, and %q is beyond U+00FF", path, r)
		}
		out = append(out, byte(r))
	}
	return out, nil
}
