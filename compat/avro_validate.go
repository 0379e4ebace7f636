package compat

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
)

// Name and default validation, as Confluent configures Avro Java: a new
// schema is parsed with NameValidator.STRICT_VALIDATOR and default
// validation; a stored schema with no validation, after which Confluent
// checks only simple names, field names and enum symbols with the (Unicode)
// UTF_VALIDATOR (AvroSchemaUtils.validateNames).

// validateName applies the parser's name validator (strict for new schemas).
func (p *avroParser) validateName(name string) error {
	if !p.strict {
		return nil
	}
	return strictName(name)
}

// validateFullName is ParseContext.requireValidFullName: every namespace
// part and the name itself.
func (p *avroParser) validateFullName(full string) error {
	if !p.strict {
		return nil
	}
	parts := strings.Split(full, ".")
	for len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1] // Java's split drops trailing empty strings
	}
	for i, part := range parts {
		what := "Namespace part"
		if i == len(parts)-1 {
			what = "Name"
		}
		if err := strictName(part); err != nil {
			return fmt.Errorf("%s %q is invalid: %w", what, part, err)
		}
	}
	return nil
}

// strictName is NameValidator.STRICT_VALIDATOR: [A-Za-z_][A-Za-z0-9_]*.
func strictName(name string) error {
	return checkName(name, func(c rune, first bool) bool {
		letter := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
		return letter || (!first && c >= '0' && c <= '9')
	})
}

// utfName is NameValidator.UTF_VALIDATOR: Java letters, digits and '_',
// judged per UTF-16 unit (a character outside the BMP is never a letter).
func utfName(name string) error {
	return checkName(name, func(c rune, first bool) bool {
		if c > 0xFFFF {
			return false
		}
		return unicode.IsLetter(c) || c == '_' || (!first && unicode.IsDigit(c))
	})
}

func checkName(name string, ok func(c rune, first bool) bool) error {
	if name == "" {
		return errors.New("Empty name")
	}
	for i, c := range name {
		if !ok(c, i == 0) {
			if i == 0 {
				return errors.New("Illegal initial character: " + name)
			}
			return errors.New("Illegal character in: " + name)
		}
	}
	return nil
}

// validateStoredNames is Confluent's AvroSchemaUtils.validateNames, run on
// schemas parsed without validation.
func validateStoredNames(root *avroNode) error {
	var err error
	note := func(e error) {
		if err == nil && e != nil {
			err = e
		}
	}
	walkNodes(root, func(n *avroNode) {
		if n.kind.named() {
			note(utfName(n.name.name))
		}
		for _, f := range n.fields {
			note(utfName(f.name))
		}
		for _, s := range n.symbols {
			note(utfName(s))
		}
	})
	return err
}

// validateDefault is Schema.validateDefault, run when a field is built.
func (p *avroParser) validateDefault(f *avroField) error {
	if !p.defaults || f.def == nil || validDefault(f.typ, f.def) {
		return nil
	}
	return fmt.Errorf("Invalid default for field %s: %s not a %s", f.name, renderJSON(f.def), resolvedText(f.typ))
}

// validDefault is Schema.isValidDefault. A forward reference still
// unresolved counts as an empty record, as Avro's placeholder does.
func validDefault(s *avroNode, v *jsonValue) bool {
	if v == nil {
		return false
	}
	switch s.kind {
	case kindString, kindBytes, kindEnum, kindFixed:
		return v.kind == jsonString
	case kindInt:
		return v.isIntegral() && v.num == numInt
	case kindLong:
		return v.isIntegral() && v.num != numBig
	case kindFloat, kindDouble:
		return v.kind == jsonNumber
	case kindBoolean:
		return v.kind == jsonBool
	case kindNull:
		return v.kind == jsonNull
	case kindArray:
		return v.kind == jsonArray && allValid(v.arr, s.items)
	case kindMap:
		return v.kind == jsonObject && allMembersValid(v.obj, s.values)
	case kindUnion:
		for _, b := range s.branches {
			if validValue(b, v) {
				return true
			}
		}
		return false
	case kindRecord, kindRef:
		return v.kind == jsonObject && recordDefaultValid(s, v)
	}
	return false
}

func allValid(vs []*jsonValue, s *avroNode) bool {
	for _, el := range vs {
		if !validDefault(s, el) {
			return false
		}
	}
	return true
}

func allMembersValid(ms []jsonMember, s *avroNode) bool {
	for _, m := range ms {
		if !validDefault(s, m.val) {
			return false
		}
	}
	return true
}

func recordDefaultValid(s *avroNode, v *jsonValue) bool {
	for _, f := range s.fields {
		fv := v.get(f.name)
		if fv == nil {
			fv = f.def
		}
		if !validValue(f.typ, fv) {
			return false
		}
	}
	return true
}

// validValue is Schema.isValidValue: a union accepts a value any branch
// accepts.
func validValue(s *avroNode, v *jsonValue) bool {
	if v == nil {
		return false
	}
	if s.kind != kindUnion {
		return validDefault(s, v)
	}
	for _, b := range s.branches {
		if validDefault(b, v) {
			return true
		}
	}
	return false
}

// avroEqual is Schema.equals, used to allow an identical redefinition: doc
// and aliases do not count, properties and field defaults do.
func avroEqual(a, b *avroNode, seen map[[2]*avroNode]bool) bool {
	if a == b {
		return true
	}
	if a.kind != b.kind || a.name.full != b.name.full || a.ref != b.ref || !membersEqual(a.props, b.props) {
		return false
	}
	key := [2]*avroNode{a, b}
	if seen[key] {
		return true
	}
	seen[key] = true
	switch a.kind {
	case kindRecord:
		return fieldsEqual(a.fields, b.fields, seen)
	case kindEnum:
		return slices.Equal(a.symbols, b.symbols)
	case kindFixed:
		return a.size == b.size
	case kindArray:
		return avroEqual(a.items, b.items, seen)
	case kindMap:
		return avroEqual(a.values, b.values, seen)
	case kindUnion:
		return nodesEqual(a.branches, b.branches, seen)
	}
	return true
}

func fieldsEqual(a, b []*avroField, seen map[[2]*avroNode]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		fa, fb := a[i], b[i]
		if fa.name != fb.name || fa.order != fb.order || !membersEqual(fa.props, fb.props) ||
			!defaultsEqual(fa.def, fb.def) || !avroEqual(fa.typ, fb.typ, seen) {
			return false
		}
	}
	return true
}

func nodesEqual(a, b []*avroNode, seen map[[2]*avroNode]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !avroEqual(a[i], b[i], seen) {
			return false
		}
	}
	return true
}

func defaultsEqual(a, b *jsonValue) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.kind == jsonNumber && a.num == numDouble && math.IsNaN(a.f64) {
		return b.kind == jsonNumber && b.num == numDouble && math.IsNaN(b.f64)
	}
	return jsonEqual(a, b)
}

// membersEqual compares property maps (order does not matter).
func membersEqual(a, b []jsonMember) bool {
	if len(a) != len(b) {
		return false
	}
	for _, m := range a {
		found := false
		for _, o := range b {
			if o.key == m.key {
				found = jsonEqual(m.val, o.val)
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// jsonEqual is JsonNode.equals: same node class and value; object key order
// does not matter.
func jsonEqual(a, b *jsonValue) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case jsonBool:
		return a.b == b.b
	case jsonString:
		return a.s == b.s
	case jsonNumber:
		return a.num == b.num && renderJSON(a) == renderJSON(b)
	case jsonArray:
		if len(a.arr) != len(b.arr) {
			return false
		}
		for i := range a.arr {
			if !jsonEqual(a.arr[i], b.arr[i]) {
				return false
			}
		}
		return true
	case jsonObject:
		return membersEqual(a.obj, b.obj)
	}
	return true
}

// compareUTF16 orders strings as Java's String.compareTo does (by UTF-16
// code unit, which differs from Go's byte order above U+FFFF).
func compareUTF16(a, b string) int {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return int(ua[i]) - int(ub[i])
		}
	}
	return len(ua) - len(ub)
}
