package avro

import (
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"

	hamba "github.com/hamba/avro/v2"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/rules"
)

// Field-level rules (CEL_FIELD, ENCRYPT) see a record field by field. The walk follows the
// schema, as Confluent's Avro serializers do: records field by field, arrays item by item,
// map values, the member of a union the value is; at each primitive value inside a record
// field (a string, a number, bytes, an enum symbol, a fixed) it asks the selector whether
// the rule applies and replaces the value with what the transform returns. A field's full
// name is its record's full name and its own, "com.acme.Order.email", and its inline tags
// are the field property "confluent:tags".
//
// Values are those this package writes and reads: structs whose fields hamba/avro maps by
// their `avro` tag (or their name), pointers for nullable unions, and generic values:
// map[string]any records, []any arrays, and unions either as their value or as hamba/avro's
// map[string]any{typeName: value}. Values are changed in place (structs through reflection,
// maps by their entries), as Confluent's Go serializers change the value they are given; a
// struct that cannot be changed in place (passed by value) is copied first.

// fieldWalker returns the walker of values of schema, asking sel at every value.
func fieldWalker(schema hamba.Schema, sel serde.FieldSelector) rules.FieldWalker {
	return newFieldWalker(schema, sel, false)
}

// newFieldWalker returns the walker of values of schema. skipUnselected says that sel answers
// from the field's name and tags alone and may be asked once for a whole field (the default
// selector): a caller's own selector is asked at every value, as it always was.
func newFieldWalker(schema hamba.Schema, sel serde.FieldSelector, skipUnselected bool) rules.FieldWalker {
	plans := &planCache{}
	return func(rc *rules.Context, t rules.FieldTransform, msg any) (any, error) {
		w := &walk{rc: rc, t: t, sel: sel, skip: skipUnselected, plans: plans}
		out, changed, err := w.value(schema, reflect.ValueOf(msg))
		if err != nil || !changed {
			return msg, err
		}
		if !out.IsValid() {
			return nil, nil
		}
		return out.Interface(), nil
	}
}

// planKey names the plan of one record schema for one Go representation (a struct type,
// or nil for maps).
type planKey struct {
	record *hamba.RecordSchema
	typ    reflect.Type
}

// planCache keeps the field plans of a walker's record schemas, with the last one used
// checked first: most walks start at the same record with the same Go type, and comparing
// the key is cheaper than hashing it.
type planCache struct {
	memo serde.Memo[planKey, *recordPlan]
	last atomic.Pointer[recordPlan]
}

// recordPlan is the plan of one record schema for one Go representation.
type recordPlan struct {
	key    planKey
	fields []fieldPlan
}

// fieldPlan is what the walk knows of a record field before it sees a value: computed once
// per record schema and Go type, so that walking a record allocates nothing for the fields
// a rule skips.
type fieldPlan struct {
	schema hamba.Schema
	field  rules.Field // FullName, Name, Type and inline Tags; Containing is the record walked
	index  []int       // of the struct field; nil for maps
	// flat: no record lies inside the field (a primitive, or arrays, maps and unions of
	// them), so every value the walk meets in it is selected or not as the field is, and a
	// field the rule does not select is skipped with one question to the selector.
	flat bool
}

// walk is one walk of one message.
type walk struct {
	rc    *rules.Context
	t     rules.FieldTransform
	sel   serde.FieldSelector
	skip  bool // fields without records inside that the rule does not select are skipped whole
	plans *planCache

	inField    bool        // a record field is being walked
	field      rules.Field // that field
	record     reflect.Value
	containing any // the record as the transform sees it, converted once when needed
}

// value walks v, a value of schema s. When v must be replaced (a primitive the rule changed,
// a struct that could not be changed in place and was copied) it returns the new value and
// true; else v was left or changed in place.
func (w *walk) value(s hamba.Schema, v reflect.Value) (reflect.Value, bool, error) {
	if ref, ok := s.(*hamba.RefSchema); ok {
		s = ref.Schema()
	}
	if isNil(v) {
		return v, false, nil
	}
	if w.inField {
		w.field.Type = fieldType(s)
	}
	switch s := s.(type) {
	case *hamba.RecordSchema:
		return w.recordValue(s, v)
	case *hamba.ArraySchema:
		return v, false, w.array(s, v)
	case *hamba.MapSchema:
		return v, false, w.mapValues(s, v)
	case *hamba.UnionSchema:
		return w.union(s, v)
	}
	if !w.inField {
		return v, false, nil
	}
	f, ok := w.sel.Select(w.rc, w.field)
	if !ok {
		return v, false, nil
	}
	if w.containing == nil {
		w.containing = containing(w.record)
	}
	f.Containing = w.containing
	out, applied, err := serde.RunFieldTransform(w.rc, w.t, f, indirect(v).Interface())
	if err != nil || !applied {
		return v, false, err
	}
	return reflect.ValueOf(out), true, nil
}

// recordValue walks the fields of a struct or map[string]any record. A struct that cannot
// be set (held by value in an interface or a map) is copied, and the copy returned.
func (w *walk) recordValue(s *hamba.RecordSchema, v reflect.Value) (reflect.Value, bool, error) {
	rv := indirect(v)
	copied := false
	var typ reflect.Type
	switch rv.Kind() {
	case reflect.Struct:
		if !rv.CanSet() {
			cp := reflect.New(rv.Type()).Elem()
			cp.Set(rv)
			rv, v, copied = cp, cp, true
		}
		typ = rv.Type()
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return v, false, fmt.Errorf("serde/avro: a %s is not a record", rv.Type())
		}
	default:
		return v, false, fmt.Errorf("serde/avro: a %s is not a record %s", rv.Type(), s.FullName())
	}
	outerIn, outerField, outerRecord, outerContaining := w.inField, w.field, w.record, w.containing
	defer func() { w.inField, w.field, w.record, w.containing = outerIn, outerField, outerRecord, outerContaining }()
	w.inField, w.record, w.containing = true, rv, nil
	plans := w.plan(s, typ)
	for i := range plans {
		p := &plans[i] // not copied: a plan is large and the loop runs per field and record
		fv, ok := recordField(rv, p)
		if !ok {
			continue
		}
		if w.skip && p.flat && !w.selects(p.field) {
			continue
		}
		w.field = p.field
		out, changed, err := w.value(p.schema, fv)
		if err != nil {
			return v, false, err
		}
		if !changed {
			continue
		}
		if err := serde.SetField(rv, p.field.Name, fv, out); err != nil {
			return v, false, fmt.Errorf("serde/avro: field %s: %w", p.field.FullName, err)
		}
		w.containing = nil // the record changed: the next transform sees the change
	}
	return v, copied, nil
}

// plan returns the field plans of a record schema for a struct type (nil: a map).
func (w *walk) plan(s *hamba.RecordSchema, typ reflect.Type) []fieldPlan {
	key := planKey{s, typ}
	if last := w.plans.last.Load(); last != nil && last.key == key {
		return last.fields
	}
	if p, ok := w.plans.memo.Load(key); ok {
		w.plans.last.Store(p)
		return p.fields
	}
	var byName map[string][]int
	if typ != nil {
		byName = structFields(typ)
	}
	plans := make([]fieldPlan, 0, len(s.Fields()))
	for _, f := range s.Fields() {
		p := fieldPlan{schema: f.Type(), field: rules.Field{FullName: s.FullName() + "." + f.Name(), Name: f.Name(),
			Type: fieldType(f.Type()), Tags: inlineTags(f)}, flat: holdsNoRecord(f.Type())}
		if typ != nil {
			index, ok := byName[f.Name()]
			if !ok {
				continue
			}
			p.index = index
		}
		plans = append(plans, p)
	}
	w.plans.memo.Store(key, &recordPlan{key: key, fields: plans})
	return plans
}

// selects reports whether the rule selects field f (the selector's answer depends on the
// field's name and tags, not on its values).
func (w *walk) selects(f rules.Field) bool {
	_, ok := w.sel.Select(w.rc, f)
	return ok
}

// holdsNoRecord reports whether no record lies inside a value of s.
func holdsNoRecord(s hamba.Schema) bool {
	switch s := s.(type) {
	case *hamba.RecordSchema, *hamba.RefSchema:
		return false
	case *hamba.ArraySchema:
		return holdsNoRecord(s.Items())
	case *hamba.MapSchema:
		return holdsNoRecord(s.Values())
	case *hamba.UnionSchema:
		for _, member := range s.Types() {
			if !holdsNoRecord(member) {
				return false
			}
		}
	}
	return true
}

// recordField is the value of a record field: a struct field, or a map entry.
func recordField(record reflect.Value, p *fieldPlan) (reflect.Value, bool) {
	switch len(p.index) {
	case 0:
		fv := record.MapIndex(reflect.ValueOf(p.field.Name).Convert(record.Type().Key()))
		return fv, fv.IsValid()
	case 1:
		return record.Field(p.index[0]), true
	}
	return record.FieldByIndex(p.index), true
}

// array walks the items of a slice.
func (w *walk) array(s *hamba.ArraySchema, v reflect.Value) error {
	v = indirect(v)
	if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
		return nil
	}
	for i := range v.Len() {
		item := v.Index(i)
		out, changed, err := w.value(s.Items(), item)
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

// mapValues walks the values of a map.
func (w *walk) mapValues(s *hamba.MapSchema, v reflect.Value) error {
	v = indirect(v)
	if v.Kind() != reflect.Map {
		return nil
	}
	iter := v.MapRange()
	for iter.Next() {
		out, changed, err := w.value(s.Values(), iter.Value())
		if err != nil {
			return err
		}
		if !changed {
			continue
		}
		if out, err = serde.ConvertValue(out, v.Type().Elem()); err != nil {
			return err
		}
		v.SetMapIndex(iter.Key(), out)
	}
	return nil
}

// union walks the member of the union the value is. hamba/avro's generic form of a union
// value, map[string]any{typeName: value}, keeps its form.
func (w *walk) union(s *hamba.UnionSchema, v reflect.Value) (reflect.Value, bool, error) {
	inner := indirectInterface(v)
	if inner.Kind() == reflect.Map && inner.Len() == 1 && inner.Type().Key().Kind() == reflect.String {
		iter := inner.MapRange()
		iter.Next()
		if member, _ := s.Types().Get(iter.Key().String()); member != nil {
			out, changed, err := w.value(member, iter.Value())
			if err != nil || !changed {
				return v, false, err
			}
			if out, err = serde.ConvertValue(out, inner.Type().Elem()); err != nil {
				return v, false, err
			}
			inner.SetMapIndex(iter.Key(), out)
			return v, false, nil
		}
	}
	member := unionMember(s, indirect(v))
	if member == nil {
		return v, false, nil
	}
	return w.value(member, v)
}

// unionMember is the member of s a Go value is, nil when none fits: the first member of
// the value's kind, a record whose name or fields fit it before another record.
func unionMember(s *hamba.UnionSchema, v reflect.Value) hamba.Schema {
	var fallback hamba.Schema
	for _, member := range s.Types() {
		if ref, ok := member.(*hamba.RefSchema); ok {
			member = ref.Schema()
		}
		if !fits(v, member.Type()) {
			continue
		}
		if member.Type() != hamba.Record || recordFits(member.(*hamba.RecordSchema), v) {
			return member
		}
		if fallback == nil {
			fallback = member
		}
	}
	return fallback
}

// fits reports whether a Go value can be written as the Avro type t.
func fits(v reflect.Value, t hamba.Type) bool {
	switch v.Kind() {
	case reflect.String:
		return t == hamba.String || t == hamba.Enum
	case reflect.Bool:
		return t == hamba.Boolean
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return t == hamba.Int || t == hamba.Long
	case reflect.Float32, reflect.Float64:
		return t == hamba.Float || t == hamba.Double
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return t == hamba.Bytes || t == hamba.Fixed
		}
		return t == hamba.Array
	case reflect.Array:
		return t == hamba.Fixed || t == hamba.Array
	case reflect.Map:
		return t == hamba.Record || t == hamba.Map
	case reflect.Struct: // a record, or a time.Time or big.Rat of a logical type
		return t == hamba.Record || t == hamba.Long || t == hamba.Int || t == hamba.Bytes || t == hamba.Fixed
	}
	return false
}

// recordFits tells a struct or map of one record type from another's: a struct's type name
// is the record's name, a map holds every field of the record.
func recordFits(s *hamba.RecordSchema, v reflect.Value) bool {
	if v.Kind() == reflect.Struct {
		return strings.EqualFold(v.Type().Name(), s.Name())
	}
	for _, f := range s.Fields() {
		if !v.MapIndex(reflect.ValueOf(f.Name()).Convert(v.Type().Key())).IsValid() {
			return false
		}
	}
	return true
}

// structFields maps a struct type's fields by the Avro names hamba/avro gives them: the
// `avro` tag, else the Go name.
func structFields(t reflect.Type) map[string][]int {
	m := make(map[string][]int, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if tag, ok := f.Tag.Lookup("avro"); ok && tag != "" && tag != "-" {
			name = tag
		}
		m[name] = f.Index
	}
	return m
}

// inlineTags are a field's "confluent:tags".
func inlineTags(f *hamba.Field) []string {
	list, ok := f.Prop("confluent:tags").([]any)
	if !ok {
		return nil
	}
	tags := make([]string, 0, len(list))
	for _, tag := range list {
		if s, ok := tag.(string); ok {
			tags = append(tags, s)
		}
	}
	return tags
}

// fieldType is the type of a value of s, as Confluent names them.
func fieldType(s hamba.Schema) rules.FieldType {
	switch s.Type() {
	case hamba.Record, hamba.Ref:
		return rules.FieldRecord
	case hamba.Enum:
		return rules.FieldEnum
	case hamba.Array:
		return rules.FieldArray
	case hamba.Map:
		return rules.FieldMap
	case hamba.Union:
		return rules.FieldCombined
	case hamba.Fixed:
		return rules.FieldFixed
	case hamba.String:
		return rules.FieldString
	case hamba.Bytes:
		return rules.FieldBytes
	case hamba.Int:
		return rules.FieldInt
	case hamba.Long:
		return rules.FieldLong
	case hamba.Float:
		return rules.FieldFloat
	case hamba.Double:
		return rules.FieldDouble
	case hamba.Boolean:
		return rules.FieldBoolean
	}
	return rules.FieldNull
}

// isNil reports a value that stands for null: none, a nil pointer, a nil interface.
func isNil(v reflect.Value) bool {
	if !v.IsValid() {
		return true
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
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

// indirectInterface follows interfaces only.
func indirectInterface(v reflect.Value) reflect.Value {
	for v.Kind() == reflect.Interface && !v.IsNil() {
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
