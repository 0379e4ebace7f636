package avro

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/accord-registry/accord/compat/jackson"
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
	return p.checkDefault(f, nil)
}

// checkDefault validates f's default; unbuilt, when not nil, tells which
// records Avro is still rebuilding (see defaultChecker).
func (p *avroParser) checkDefault(f *avroField, unbuilt func(*avroNode) bool) error {
	if !p.defaults || f.def == nil {
		return nil
	}
	c := defaultChecker{unbuilt: unbuilt, steps: &p.defaultSteps}
	if c.valid(f.typ, f.def) {
		return nil
	}
	if c.err != nil {
		return c.err
	}
	return fmt.Errorf("Invalid default for field %s: %s not a %s", f.name, jackson.Render(f.def), resolvedText(f.typ))
}

// errFieldsNotSet is what Avro throws when a default is checked against a
// record its resolver has copied but not yet given fields.
var errFieldsNotSet = errors.New("Schema fields not set yet")

// maxDefaultSteps bounds the values checked against types (defaultChecker.valid calls) over
// all the default checks of one document. Avro's check fills a record's missing fields from
// their own defaults and tries a union's branches in turn, so its work can grow with the
// product of a default's size and a union's width, or double with each level of records:
// a crafted text of a few KB would hold a core for hours. Ten million steps take a fraction
// of a second.
const maxDefaultSteps = 10_000_000

var errDefaultsTooComplex = fmt.Errorf("Schema too complex: validating its field defaults takes more than %d steps", maxDefaultSteps)

// defaultChecker is Schema.isValidDefault. A forward reference still
// unresolved counts as an empty record, as Avro's placeholder does. While
// Avro's resolver rebuilds a document (resolveDefaults), the records for
// which unbuilt is true have no fields yet: an object checked against one
// throws, and the exception (err) ends the check.
type defaultChecker struct {
	unbuilt func(*avroNode) bool
	steps   *int // the document's count, bounded by maxDefaultSteps
	err     error
}

func (c *defaultChecker) valid(s *avroNode, v *jackson.Value) bool {
	if v == nil || c.err != nil {
		return false
	}
	if *c.steps++; *c.steps > maxDefaultSteps {
		c.err = errDefaultsTooComplex
		return false
	}
	switch s.kind {
	case kindString, kindBytes, kindEnum, kindFixed:
		return v.Kind == jackson.String
	case kindInt:
		return v.IsIntegral() && v.Num == jackson.Int
	case kindLong:
		return v.IsIntegral() && v.Num != jackson.BigInteger
	case kindFloat, kindDouble:
		return v.Kind == jackson.Number
	case kindBoolean:
		return v.Kind == jackson.Bool
	case kindNull:
		return v.Kind == jackson.Null
	case kindArray:
		return v.Kind == jackson.Array && c.allValid(v.Elems, s.items)
	case kindMap:
		return v.Kind == jackson.Object && c.allMembersValid(v.Members, s.values)
	case kindUnion:
		for _, b := range s.branches {
			if c.validValue(b, v) {
				return true
			}
		}
		return false
	case kindRecord, kindRef:
		return v.Kind == jackson.Object && c.recordValid(s, v)
	}
	return false
}

func (c *defaultChecker) allValid(vs []*jackson.Value, s *avroNode) bool {
	for _, el := range vs {
		if !c.valid(s, el) {
			return false
		}
	}
	return true
}

func (c *defaultChecker) allMembersValid(ms []jackson.Member, s *avroNode) bool {
	for _, m := range ms {
		if !c.valid(s, m.Val) {
			return false
		}
	}
	return true
}

func (c *defaultChecker) recordValid(s *avroNode, v *jackson.Value) bool {
	if c.unbuilt != nil && c.unbuilt(s) {
		c.err = errFieldsNotSet
		return false
	}
	for _, f := range s.fields {
		fv := v.Get(f.name)
		if fv == nil {
			fv = f.def
		}
		if !c.validValue(f.typ, fv) {
			return false
		}
	}
	return true
}

// validValue is Schema.isValidValue: a union accepts a value any branch
// accepts.
func (c *defaultChecker) validValue(s *avroNode, v *jackson.Value) bool {
	if v == nil {
		return false
	}
	if s.kind != kindUnion {
		return c.valid(s, v)
	}
	for _, b := range s.branches {
		if c.valid(b, v) {
			return true
		}
	}
	return false
}

// avroEqual is Schema.equals, used to allow an identical redefinition: doc
// and aliases do not count, properties and field defaults do. Two forward
// references are never equal: Avro Java parses each into its own placeholder
// record with a unique name (SchemaResolver.unresolvedSchema). A redefinition stands for the
// first definition it was found equal to: equality is transitive, and comparing it again
// inside every redefinition enclosing it would cost the square of their nesting.
func avroEqual(a, b *avroNode, seen map[[2]*avroNode]bool) bool {
	if a.sameAs != nil {
		a = a.sameAs
	}
	if b.sameAs != nil {
		b = b.sameAs
	}
	if a == b {
		return true
	}
	if a.kind == kindRef || b.kind == kindRef {
		return false
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

func defaultsEqual(a, b *jackson.Value) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind == jackson.Number && a.Num == jackson.Double && math.IsNaN(a.Float) {
		return b.Kind == jackson.Number && b.Num == jackson.Double && math.IsNaN(b.Float)
	}
	return jsonEqual(a, b)
}

// membersEqual compares property maps (order does not matter).
func membersEqual(a, b []jackson.Member) bool {
	if len(a) != len(b) {
		return false
	}
	for _, m := range a {
		found := false
		for _, o := range b {
			if o.Key == m.Key {
				found = jsonEqual(m.Val, o.Val)
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
func jsonEqual(a, b *jackson.Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case jackson.Bool:
		return a.Bool == b.Bool
	case jackson.String:
		return a.Str == b.Str
	case jackson.Number:
		return a.Num == b.Num && jackson.Render(a) == jackson.Render(b)
	case jackson.Array:
		if len(a.Elems) != len(b.Elems) {
			return false
		}
		for i := range a.Elems {
			if !jsonEqual(a.Elems[i], b.Elems[i]) {
				return false
			}
		}
		return true
	case jackson.Object:
		return membersEqual(a.Members, b.Members)
	}
	return true
}
