package compat

import (
	"errors"
	"fmt"
	"strings"
)

// This file turns a decoded JSON document into the Avro schema graph, with
// the semantics of Avro Java 1.12's Schema.Parser (the parser Confluent runs):
// which keys are properties, how names and namespaces resolve, forward
// references, redefinitions and the error cases.

type avroKind uint8

const (
	kindNull avroKind = iota
	kindBoolean
	kindInt
	kindLong
	kindFloat
	kindDouble
	kindBytes
	kindString
	kindRecord
	kindEnum
	kindArray
	kindMap
	kindUnion
	kindFixed
	kindRef // a forward reference, only while a document is being parsed
)

// kindNames are Avro Java's Schema.Type constant names, as they appear in
// compatibility messages.
var kindNames = [...]string{"NULL", "BOOLEAN", "INT", "LONG", "FLOAT", "DOUBLE", "BYTES", "STRING",
	"RECORD", "ENUM", "ARRAY", "MAP", "UNION", "FIXED", "RECORD"}

func (k avroKind) String() string { return kindNames[k] }

// typeName is Schema.Type.getName(): the lower-case name.
func (k avroKind) typeName() string { return strings.ToLower(kindNames[k]) }

func (k avroKind) named() bool { return k == kindRecord || k == kindEnum || k == kindFixed }

var avroPrimitives = map[string]avroKind{
	"null": kindNull, "boolean": kindBoolean, "int": kindInt, "long": kindLong,
	"float": kindFloat, "double": kindDouble, "bytes": kindBytes, "string": kindString,
}

// Keys that are attributes rather than properties (Schema.SCHEMA_RESERVED,
// ENUM_RESERVED, FIELD_RESERVED).
var (
	schemaReserved = map[string]bool{"doc": true, "fields": true, "items": true, "name": true, "namespace": true,
		"size": true, "symbols": true, "values": true, "type": true, "aliases": true}
	enumReserved  = map[string]bool{"doc": true, "fields": true, "items": true, "name": true, "namespace": true, "size": true, "symbols": true, "values": true, "type": true, "aliases": true, "default": true}
	fieldReserved = map[string]bool{"default": true, "doc": true, "name": true, "order": true, "type": true, "aliases": true}
)

// avroName is Avro Java's Schema.Name; space "" means no namespace.
type avroName struct {
	name, space, full string
}

func newAvroName(name, space string) avroName {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		space, name = name[:i], name[i+1:]
	}
	full := name
	if space != "" {
		full = space + "." + name
	}
	return avroName{name: name, space: space, full: full}
}

// qualified is Name.getQualified: the short name when it is in defaultSpace
// and does not collide with a type name.
func (n avroName) qualified(defaultSpace string) string {
	if n.space != "" && n.space == defaultSpace {
		if _, isType := typeNameSet[n.name]; !isType {
			return n.name
		}
	}
	return n.full
}

var typeNameSet = map[string]struct{}{"record": {}, "enum": {}, "array": {}, "map": {}, "union": {}, "fixed": {},
	"string": {}, "bytes": {}, "int": {}, "long": {}, "float": {}, "double": {}, "boolean": {}, "null": {}}

// avroNode is one schema. Named types are one node per definition, shared by
// every reference; every other occurrence is its own node, as in Avro Java
// (whose compatibility checker memoises on node identity).
type avroNode struct {
	kind        avroKind
	isError     bool // record declared with "type":"error"
	name        avroName
	doc         *string
	aliases     []avroName
	fields      []*avroField
	symbols     []string
	enumDefault *string
	size        int
	items       *avroNode // array
	values      *avroNode // map
	branches    []*avroNode
	props       []jsonMember
	ref         string                // kindRef: the full name to resolve
	fieldIndex  map[string]*avroField // record fields by name
}

type avroField struct {
	name    string
	typ     *avroNode
	doc     *string
	def     *jsonValue // nil: no default (JSON null is a default)
	order   string     // "ascending", "descending" or "ignore"
	aliases []string
	props   []jsonMember
	pos     int
}

func (n *avroNode) prop(key string) *jsonValue {
	for _, m := range n.props {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// avroParser is one Schema.Parser: the named types it has seen so far
// (dependencies, then the document being parsed) and its validation mode.
type avroParser struct {
	strict   bool // STRICT_VALIDATOR for names (new schemas); else NO_VALIDATION
	defaults bool // validate field defaults (new schemas)
	names    map[string]*avroNode
	pending  []*avroNode // forward references of the current document
	docs     []*avroNode // roots of the dependencies parsed so far
}

func newAvroParser(opts ParseOptions) *avroParser {
	return &avroParser{strict: opts.New, defaults: opts.New, names: map[string]*avroNode{}}
}

// parseDocument parses one schema text, resolving its forward references.
func (p *avroParser) parseDocument(text string) (*avroNode, error) {
	doc, err := decodeJSON(text)
	if err != nil {
		return nil, err
	}
	p.pending = nil
	root, err := p.parse(doc, "")
	if err != nil {
		return nil, err
	}
	if root, err = p.resolve(root); err != nil {
		return nil, err
	}
	if root.kind.named() {
		root = p.names[root.name.full] // a named root is looked up by name, as Avro does
	}
	if err := checkUnions(root); err != nil {
		return nil, err
	}
	if err := p.revalidateDefaults(root); err != nil {
		return nil, err
	}
	walkNodes(root, logicalTypeFirst)
	return root, nil
}

func (p *avroParser) parse(v *jsonValue, space string) (*avroNode, error) {
	switch v.kind {
	case jsonString:
		return p.find(v.s, space), nil
	case jsonObject:
		return p.parseObject(v, space)
	case jsonArray:
		return p.parseUnion(v, space)
	}
	return nil, fmt.Errorf("Schema not yet supported: %s", renderJSON(v))
}

func (p *avroParser) parseObject(v *jsonValue, space string) (*avroNode, error) {
	typ, ok := v.get("type").text()
	if !ok {
		return nil, fmt.Errorf("No type: %s", renderJSON(v))
	}
	if k, ok := avroPrimitives[typ]; ok {
		props, err := properties(v, schemaReserved)
		return &avroNode{kind: k, props: props}, err
	}
	switch typ {
	case "record", "error":
		return p.parseRecord(v, space, typ == "error")
	case "enum":
		return p.parseEnum(v, space)
	case "array":
		return p.parseContainer(v, space, kindArray, "items", "Array has no items type")
	case "map":
		return p.parseContainer(v, space, kindMap, "values", "Map has no values type")
	case "fixed":
		return p.parseFixed(v, space)
	}
	return p.find(typ, space), nil // Avro 1.12.1 reads {"type":"Name"} as a reference
}

// properties collects the keys that are not attributes, in document order.
func properties(v *jsonValue, reserved map[string]bool) ([]jsonMember, error) {
	var out []jsonMember
	for _, m := range v.obj {
		if !reserved[m.key] {
			out = append(out, m)
		}
	}
	return out, nil
}

// containerProperties are the properties of a record, array or map. Avro's
// resolver copies these schemas, converting property values to Java objects
// and back; an integer beyond a long has no such object and fails the copy.
func containerProperties(v *jsonValue) ([]jsonMember, error) {
	props, _ := properties(v, schemaReserved)
	for _, m := range props {
		if hasBigInteger(m.val) {
			return nil, errors.New("Can't set a property to null: " + m.key)
		}
	}
	return props, nil
}

// find is ParseContext.find: a primitive, a known named type (full name
// first, then the name as written), else a forward reference.
func (p *avroParser) find(name, space string) *avroNode {
	if k, ok := avroPrimitives[name]; ok {
		return &avroNode{kind: k}
	}
	full := name
	if space != "" && !strings.Contains(name, ".") {
		full = space + "." + name
	}
	if n := p.names[full]; n != nil {
		return n
	}
	if n := p.names[name]; n != nil {
		return n
	}
	ref := &avroNode{kind: kindRef, ref: full}
	p.pending = append(p.pending, ref)
	return ref
}

func (p *avroParser) parseContainer(v *jsonValue, space string, kind avroKind, key, missing string) (*avroNode, error) {
	child := v.get(key)
	if child == nil {
		return nil, fmt.Errorf("%s: %s", missing, renderJSON(v))
	}
	elem, err := p.parse(child, space)
	if err != nil {
		return nil, err
	}
	props, err := containerProperties(v)
	if err != nil {
		return nil, err
	}
	n := &avroNode{kind: kind, props: props}
	if kind == kindArray {
		n.items = elem
	} else {
		n.values = elem
	}
	return n, nil
}

func (p *avroParser) parseUnion(v *jsonValue, space string) (*avroNode, error) {
	n := &avroNode{kind: kindUnion}
	for _, el := range v.arr {
		b, err := p.parse(el, space)
		if err != nil {
			return nil, err
		}
		if b.kind == kindUnion {
			return nil, errors.New("Nested union: " + renderJSON(v))
		}
		n.branches = append(n.branches, b)
	}
	return n, nil
}

// parseName is Schema.parseName plus the NamedSchema constructor checks.
func (p *avroParser) parseName(v *jsonValue, space string) (avroName, error) {
	name, ok := v.get("name").text()
	if !ok {
		return avroName{}, fmt.Errorf("No name in schema: %s", renderJSON(v))
	}
	if ns, ok := v.get("namespace").text(); ok {
		space = ns
	}
	n := newAvroName(name, space)
	if err := p.validateName(n.name); err != nil {
		return n, err
	}
	if _, ok := avroPrimitives[n.full]; ok {
		return n, errors.New("Schemas may not be named after primitives: " + n.full)
	}
	return n, nil
}

func optionalText(v *jsonValue, key string) *string {
	if s, ok := v.get(key).text(); ok {
		return &s
	}
	return nil
}

func (p *avroParser) parseRecord(v *jsonValue, space string, isError bool) (*avroNode, error) {
	name, err := p.parseName(v, space)
	if err != nil {
		return nil, err
	}
	n := &avroNode{kind: kindRecord, isError: isError, name: name, doc: optionalText(v, "doc")}
	fields := v.get("fields")
	if fields == nil || fields.kind != jsonArray {
		return nil, fmt.Errorf("Record has no fields: %s", renderJSON(v))
	}
	n.fieldIndex = map[string]*avroField{}
	for i, fv := range fields.arr {
		f, err := p.parseField(fv, name.space)
		if err != nil {
			return nil, err
		}
		if n.fieldIndex[f.name] != nil {
			return nil, fmt.Errorf("Duplicate field %s in record %s", f.name, name.full)
		}
		n.fieldIndex[f.name] = f
		f.pos = i
		n.fields = append(n.fields, f)
	}
	return p.finishNamed(n, v, schemaReserved)
}

// finishNamed adds properties and aliases and registers the type
// (ParseContext.put), returning the node references should use.
func (p *avroParser) finishNamed(n *avroNode, v *jsonValue, reserved map[string]bool) (*avroNode, error) {
	props, err := properties(v, reserved)
	if n.kind == kindRecord {
		props, err = containerProperties(v)
	}
	if err != nil {
		return nil, err
	}
	n.props = props
	aliases, err := aliasList(v)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, a := range aliases {
		an := newAvroName(a, n.name.space)
		if err := p.validateName(an.name); err != nil {
			return nil, err
		}
		if !seen[an.full] {
			seen[an.full] = true
			n.aliases = append(n.aliases, an)
		}
	}
	return p.define(n)
}

// define registers a named type. Redefining a name is allowed only with an
// equal schema (AVRO-3940): references by name keep finding the first
// definition, while the redefinition stays where it was written.
func (p *avroParser) define(n *avroNode) (*avroNode, error) {
	if err := p.validateFullName(n.name.full); err != nil {
		return nil, err
	}
	if old := p.names[n.name.full]; old != nil {
		if !avroEqual(old, n, map[[2]*avroNode]bool{}) {
			return nil, errors.New("Can't redefine: " + n.name.full)
		}
		return n, nil
	}
	p.names[n.name.full] = n
	return n, nil
}

// aliasList reads an "aliases" attribute: an array of strings, duplicates
// removed.
func aliasList(v *jsonValue) ([]string, error) {
	av := v.get("aliases")
	if av == nil {
		return nil, nil
	}
	if av.kind != jsonArray {
		return nil, fmt.Errorf("aliases not an array: %s", renderJSON(v))
	}
	var out []string
	seen := map[string]bool{}
	for _, a := range av.arr {
		s, ok := a.text()
		if !ok {
			return nil, fmt.Errorf("alias not a string: %s", renderJSON(a))
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out, nil
}

func (p *avroParser) parseField(v *jsonValue, space string) (*avroField, error) {
	name, ok := v.get("name").text()
	if !ok {
		return nil, fmt.Errorf("No field name: %s", renderJSON(v))
	}
	tv := v.get("type")
	if tv == nil {
		return nil, fmt.Errorf("No field type: %s", renderJSON(v))
	}
	typ, err := p.parse(tv, space)
	if err != nil {
		return nil, err
	}
	f := &avroField{name: name, typ: typ, doc: optionalText(v, "doc")}
	if f.props, err = properties(v, fieldReserved); err != nil {
		return nil, err
	}
	if f.order, err = fieldOrder(v.get("order")); err != nil {
		return nil, err
	}
	if f.def, err = fieldDefault(v.get("default"), typ); err != nil {
		return nil, err
	}
	if err := p.validateName(name); err != nil {
		return nil, err
	}
	if err := p.validateDefault(f); err != nil {
		return nil, err
	}
	if f.aliases, err = aliasList(v); err != nil {
		return nil, err
	}
	return f, nil
}

func fieldOrder(v *jsonValue) (string, error) {
	if v == nil {
		return "ascending", nil
	}
	s, ok := v.text()
	if !ok {
		return "", errors.New("field order must be a string")
	}
	switch up := strings.ToUpper(s); up {
	case "ASCENDING", "DESCENDING", "IGNORE":
		return strings.ToLower(up), nil
	}
	return "", errors.New("No enum constant org.apache.avro.Schema.Field.Order." + strings.ToUpper(s))
}

// fieldDefault applies the one conversion Avro makes: a string default of a
// float or double field is parsed as a number.
func fieldDefault(v *jsonValue, typ *avroNode) (*jsonValue, error) {
	if v == nil || v.kind != jsonString || (typ.kind != kindFloat && typ.kind != kindDouble) {
		return v, nil
	}
	f, err := javaParseDouble(v.s)
	if err != nil {
		return nil, err
	}
	return newJSONDouble(f), nil
}

func (p *avroParser) parseEnum(v *jsonValue, space string) (*avroNode, error) {
	name, err := p.parseName(v, space)
	if err != nil {
		return nil, err
	}
	n := &avroNode{kind: kindEnum, name: name, doc: optionalText(v, "doc")}
	sv := v.get("symbols")
	if sv == nil || sv.kind != jsonArray {
		return nil, fmt.Errorf("Enum has no symbols: %s", renderJSON(v))
	}
	seen := map[string]bool{}
	for _, s := range sv.arr {
		sym, ok := s.text()
		if !ok {
			return nil, errors.New("Null name")
		}
		if err := p.validateName(sym); err != nil {
			return nil, err
		}
		if seen[sym] {
			return nil, errors.New("Duplicate enum symbol: " + sym)
		}
		seen[sym] = true
		n.symbols = append(n.symbols, sym)
	}
	n.enumDefault = optionalText(v, "default")
	if n.enumDefault != nil && !seen[*n.enumDefault] {
		return nil, fmt.Errorf("The Enum Default: %s is not in the enum symbol set: [%s]",
			*n.enumDefault, strings.Join(n.symbols, ", "))
	}
	return p.finishNamed(n, v, enumReserved)
}

func (p *avroParser) parseFixed(v *jsonValue, space string) (*avroNode, error) {
	name, err := p.parseName(v, space)
	if err != nil {
		return nil, err
	}
	sv := v.get("size")
	if sv == nil || sv.kind != jsonNumber || sv.num != numInt {
		return nil, fmt.Errorf("Invalid or no size: %s", renderJSON(v))
	}
	if sv.i64 < 0 {
		return nil, fmt.Errorf("Malformed data. Length is negative: %d", sv.i64)
	}
	if sv.i64 > maxJavaArrayLength {
		return nil, fmt.Errorf("Cannot read arrays longer than %d bytes", maxJavaArrayLength)
	}
	n := &avroNode{kind: kindFixed, name: name, doc: optionalText(v, "doc"), size: int(sv.i64)}
	return p.finishNamed(n, v, schemaReserved)
}

// maxJavaArrayLength is Avro's SystemLimitException bound for fixed sizes.
const maxJavaArrayLength = 1<<31 - 1 - 8
