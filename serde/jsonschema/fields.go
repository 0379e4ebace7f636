package jsonschema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/rules"
)

// Field-level rules (CEL_FIELD, ENCRYPT) see a value property by property. The walk follows
// the compiled schema as Confluent's JSON Schema serializers do: "properties" of objects,
// "items" of arrays, every branch of "allOf", the first branch of "oneOf" and every branch of
// "anyOf" the value is valid against, and "$ref"; at each primitive value inside a property
// (string, integer, number, boolean, enum) it asks the selector whether the rule applies and
// replaces the value with what the transform returns. A property's full name is its path
// from the root "$", "$.customer.email" (array items keep their property's name), and its
// inline tags are the keyword "confluent:tags".
//
// Values are those encoding/json writes and reads: structs, whose fields are named by their
// `json` tag (or their name, embedded structs flattened), and map[string]any, []any and
// primitives. They are changed in place, as Confluent's Go serializers change the value they
// are given; a struct that cannot be changed in place (passed by value) is copied first.

// tagsKeyword is the keyword that tags a property for field-level rules.
const tagsKeyword = "confluent:tags"

// tagsCompiler keeps a schema's "confluent:tags" in the compiled schema's Extensions.
type tagsCompiler struct{}

func (tagsCompiler) Compile(_ jsonschema.CompilerContext, m map[string]any) (jsonschema.ExtSchema, error) {
	raw, ok := m[tagsKeyword]
	if !ok {
		return nil, nil
	}
	list, _ := raw.([]any)
	tags := make(tagsSchema, 0, len(list))
	for _, tag := range list {
		if s, ok := tag.(string); ok {
			tags = append(tags, s)
		}
	}
	return tags, nil
}

// tagsSchema is a property's inline tags; they constrain nothing.
type tagsSchema []string

func (tagsSchema) Validate(jsonschema.ValidationContext, any) error { return nil }

// fieldWalker returns the walker of values of schema.
func fieldWalker(schema *jsonschema.Schema, sel serde.FieldSelector) rules.FieldWalker {
	structs := &serde.Memo[reflect.Type, map[string][]int]{}
	names := &serde.Memo[nameKey, string]{}
	return func(rc *rules.Context, t rules.FieldTransform, msg any) (any, error) {
		w := &walk{rc: rc, t: t, sel: sel, structs: structs, names: names}
		out, changed, err := w.value(schema, "$", reflect.ValueOf(msg))
		if err != nil || !changed {
			return msg, err
		}
		if !out.IsValid() {
			return nil, nil
		}
		return out.Interface(), nil
	}
}

// walk is one walk of one message.
type walk struct {
	rc      *rules.Context
	t       rules.FieldTransform
	sel     serde.FieldSelector
	structs *serde.Memo[reflect.Type, map[string][]int] // struct fields by JSON name, per type
	names   *serde.Memo[nameKey, string]                // full names of properties, built once
	depth   int

	inField    bool        // a property is being walked
	field      rules.Field // that property
	object     reflect.Value
	containing any // the object as the transform sees it, converted once when needed
}

// nameKey is a property of the object at a path.
type nameKey struct{ path, name string }

// fullName is path.name, built once.
func (w *walk) fullName(path, name string) string {
	key := nameKey{path, name}
	if n, ok := w.names.Load(key); ok {
		return n
	}
	n := path + "." + name
	w.names.Store(key, n)
	return n
}

// maxDepth bounds the walk, which follows "$ref"s that may recur.
const maxDepth = 256

// value walks v, a value of schema s at path. When v must be replaced it returns the new
// value and true; else v was left or changed in place.
func (w *walk) value(s *jsonschema.Schema, path string, v reflect.Value) (reflect.Value, bool, error) {
	if s == nil || isNil(v) {
		return v, false, nil
	}
	if w.depth++; w.depth > maxDepth {
		return v, false, fmt.Errorf("serde/jsonschema: the value is nested more than %d deep", maxDepth)
	}
	defer func() { w.depth-- }()
	if w.inField {
		w.field.Type = fieldType(s)
	}
	if len(s.AllOf) > 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 {
		return w.combined(s, path, v)
	}
	if items := itemsOf(s); items != nil {
		return v, false, w.array(items, path, v)
	}
	if s.Ref != nil {
		return w.value(s.Ref, path, v)
	}
	typ := valueType(s, v)
	if w.inField {
		w.field.Type = typ
	}
	switch typ {
	case rules.FieldRecord:
		return w.properties(s, path, v)
	case rules.FieldEnum, rules.FieldString, rules.FieldInt, rules.FieldDouble, rules.FieldBoolean:
		return w.primitive(v)
	}
	return v, false, nil
}

// primitive applies the rule to the property being walked, when it selects it.
func (w *walk) primitive(v reflect.Value) (reflect.Value, bool, error) {
	if !w.inField {
		return v, false, nil
	}
	f, ok := w.sel.Select(w.rc, w.field)
	if !ok {
		return v, false, nil
	}
	if w.containing == nil {
		w.containing = containing(w.object)
	}
	f.Containing = w.containing
	out, applied, err := serde.RunFieldTransform(w.rc, w.t, f, indirect(v).Interface())
	if err != nil || !applied {
		return v, false, err
	}
	return reflect.ValueOf(out), true, nil
}

// combined walks the branches of allOf, oneOf and anyOf that apply to v, then the
// properties and items beside them.
func (w *walk) combined(s *jsonschema.Schema, path string, v reflect.Value) (reflect.Value, bool, error) {
	changed := false
	visit := func(sub *jsonschema.Schema) error {
		out, c, err := w.value(sub, path, v)
		if c {
			v, changed = out, true
		}
		return err
	}
	switch {
	case len(s.AllOf) > 0:
		for _, sub := range s.AllOf {
			if err := visit(sub); err != nil {
				return v, false, err
			}
		}
	case len(s.OneOf) > 0:
		for _, sub := range s.OneOf {
			if valid(sub, v) {
				if err := visit(sub); err != nil {
					return v, false, err
				}
				break
			}
		}
	default:
		for _, sub := range s.AnyOf {
			if valid(sub, v) {
				if err := visit(sub); err != nil {
					return v, false, err
				}
			}
		}
	}
	if len(s.Properties) > 0 {
		out, c, err := w.properties(s, path, v)
		if err != nil {
			return v, false, err
		}
		if c {
			v, changed = out, true
		}
	}
	if items := itemsOf(s); items != nil {
		if err := w.array(items, path, v); err != nil {
			return v, false, err
		}
	}
	return v, changed, nil
}

// valid reports whether v, as JSON, is valid against s: how a branch of oneOf or anyOf is
// chosen.
func valid(s *jsonschema.Schema, v reflect.Value) bool {
	doc, err := json.Marshal(v.Interface())
	if err != nil {
		return false
	}
	inst, err := decodeNumbers(doc)
	if err != nil {
		return false
	}
	return s.Validate(inst) == nil
}

// itemsOf is the schema of an array's items, nil when s says nothing of items.
func itemsOf(s *jsonschema.Schema) *jsonschema.Schema {
	if s.Items2020 != nil {
		return s.Items2020
	}
	items, _ := s.Items.(*jsonschema.Schema)
	return items
}

// properties walks the properties of a struct or map[string]any. A struct that cannot be set
// is copied, and the copy returned.
func (w *walk) properties(s *jsonschema.Schema, path string, v reflect.Value) (reflect.Value, bool, error) {
	rv := indirect(v)
	copied := false
	var byName map[string][]int
	switch {
	case rv.Kind() == reflect.Struct:
		if !rv.CanSet() {
			cp := reflect.New(rv.Type()).Elem()
			cp.Set(rv)
			rv, v, copied = cp, cp, true
		}
		byName = w.fieldsOf(rv.Type())
	case rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String:
	default:
		return v, false, nil
	}
	outerIn, outerField, outerObject, outerContaining := w.inField, w.field, w.object, w.containing
	defer func() { w.inField, w.field, w.object, w.containing = outerIn, outerField, outerObject, outerContaining }()
	w.inField, w.object, w.containing = true, rv, nil
	for name, prop := range s.Properties {
		fv, ok := property(rv, byName, name)
		if !ok {
			continue
		}
		fullName := w.fullName(path, name)
		w.field = rules.Field{FullName: fullName, Name: name, Type: fieldType(prop), Tags: inlineTags(prop)}
		out, changed, err := w.value(prop, fullName, fv)
		if err != nil {
			return v, false, err
		}
		if !changed {
			continue
		}
		if err := serde.SetField(rv, name, fv, out); err != nil {
			return v, false, fmt.Errorf("serde/jsonschema: property %s: %w", fullName, err)
		}
		w.containing = nil // the object changed: the next transform sees the change
	}
	return v, copied, nil
}

// array walks the items of a slice.
func (w *walk) array(items *jsonschema.Schema, path string, v reflect.Value) error {
	v = indirect(v)
	if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
		return nil
	}
	for i := range v.Len() {
		item := v.Index(i)
		out, changed, err := w.value(items, path, item)
		if err != nil {
			return err
		}
		if changed {
			if err := serde.SetValue(item, out); err != nil {
				return err
			}
		}
	}
	return nil
}

// property is the value of the property name: a struct field, or a map entry.
func property(object reflect.Value, byName map[string][]int, name string) (reflect.Value, bool) {
	if object.Kind() == reflect.Map {
		fv := object.MapIndex(reflect.ValueOf(name).Convert(object.Type().Key()))
		return fv, fv.IsValid()
	}
	index, ok := byName[name]
	if !ok {
		return reflect.Value{}, false
	}
	fv, err := object.FieldByIndexErr(index)
	return fv, err == nil
}

// fieldsOf maps a struct type's fields by the names encoding/json gives them: the `json`
// tag's name, else the Go name; embedded structs without a name are flattened.
func (w *walk) fieldsOf(t reflect.Type) map[string][]int {
	if m, ok := w.structs.Load(t); ok {
		return m
	}
	m := make(map[string][]int, t.NumField())
	addFields(m, t, nil)
	w.structs.Store(t, m)
	return m
}

func addFields(m map[string][]int, t reflect.Type, prefix []int) {
	for i := range t.NumField() {
		f := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			addFields(m, f.Type, index)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, taken := m[name]; !taken || len(prefix) == 0 {
			m[name] = index
		}
	}
}

// inlineTags are a property's "confluent:tags".
func inlineTags(s *jsonschema.Schema) []string {
	tags, _ := s.Extensions[tagsKeyword].(tagsSchema)
	return tags
}

// fieldType is the type of values of s, as Confluent names them.
func fieldType(s *jsonschema.Schema) rules.FieldType {
	if len(s.Types) == 0 {
		if len(s.Properties) > 0 {
			return rules.FieldRecord
		}
		return rules.FieldNull
	}
	if len(s.Types) > 1 || len(s.AllOf) > 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 {
		return rules.FieldCombined
	}
	return typeNamed(s, s.Types[0])
}

// typeNamed is the field type of the JSON type name in s.
func typeNamed(s *jsonschema.Schema, name string) rules.FieldType {
	if len(s.Constant) > 0 || len(s.Enum) > 0 {
		return rules.FieldEnum
	}
	switch name {
	case "object":
		if len(s.Properties) == 0 {
			return rules.FieldMap
		}
		return rules.FieldRecord
	case "array":
		return rules.FieldArray
	case "string":
		return rules.FieldString
	case "integer":
		return rules.FieldInt
	case "number":
		return rules.FieldDouble
	case "boolean":
		return rules.FieldBoolean
	}
	return rules.FieldNull
}

// valueType is the field type of v under s: the schema's type, or, when s allows several
// ("type": ["null", "string"]), the one v is.
func valueType(s *jsonschema.Schema, v reflect.Value) rules.FieldType {
	if len(s.Types) <= 1 {
		return fieldType(s)
	}
	for _, name := range jsonTypes(indirect(v)) {
		for _, allowed := range s.Types {
			if allowed == name {
				return typeNamed(s, name)
			}
		}
	}
	return rules.FieldCombined
}

// jsonTypes is the JSON types a Go value is written as, most specific first.
func jsonTypes(v reflect.Value) []string {
	switch v.Kind() {
	case reflect.String:
		return []string{"string"}
	case reflect.Bool:
		return []string{"boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return []string{"integer", "number"}
	case reflect.Float32, reflect.Float64:
		return []string{"number", "integer"}
	case reflect.Map, reflect.Struct:
		return []string{"object"}
	case reflect.Slice, reflect.Array:
		return []string{"array"}
	}
	return nil
}

// isNil reports a value that stands for null: none, a nil pointer, a nil interface.
func isNil(v reflect.Value) bool {
	if !v.IsValid() {
		return true
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		return v.IsNil()
	}
	return false
}

// indirect follows interfaces and pointers to the value.
func indirect(v reflect.Value) reflect.Value {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return v
		}
		v = v.Elem()
	}
	return v
}

// containing is a record as a field transform sees the record holding its field: a struct
// by pointer (no copy), a map as it is.
func containing(record reflect.Value) any {
	if record.CanAddr() {
		return record.Addr().Interface()
	}
	return record.Interface()
}
