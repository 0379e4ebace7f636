package avro

import (
	"errors"
	"fmt"
	"strings"

	"github.com/accord-registry/accord/compat/jackson"
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
	props       []jackson.Member
	ref         string                // kindRef: the full name to resolve
	fieldIndex  map[string]*avroField // record fields by name
	sameAs      *avroNode             // a redefinition: the first definition, found equal to it
}

type avroField struct {
	name    string
	typ     *avroNode
	doc     *string
	def     *jackson.Value // nil: no default (JSON null is a default)
	order   string         // "ascending", "descending" or "ignore"
	aliases []string
	props   []jackson.Member
	pos     int
}

func (n *avroNode) prop(key string) *jackson.Value {
	for _, m := range n.props {
		if m.Key == key {
			return m.Val
		}
	}
	return nil
}

// avroParser is one Schema.Parser: the named types it has seen so far
// (dependencies, then the document being parsed) and its validation mode.
type avroParser struct {
	strict       bool // STRICT_VALIDATOR for names (new schemas); else NO_VALIDATION
	defaults     bool // validate field defaults (new schemas)
	names        map[string]*avroNode
	pending      []*avroNode      // forward references of the current document
	refSlots     map[refSlot]bool // the current document's slots that held a forward reference
	docNamed     []*avroNode      // the current document's named types, redefinitions too, in order
	replaySteps  int              // the steps replayResolver took over the last document, for tests
	replayAll    bool             // tests: walk built records again, as Avro's resolver does
	defaultSteps int              // values checked against types by the current document's default checks
	equalPairs   int              // pairs of nodes compared for redefinitions, for tests
	docs         []*avroNode      // roots of the dependencies parsed so far
}

func newAvroParser(opts ParseOptions) *avroParser {
	return &avroParser{strict: opts.New, defaults: opts.New, names: map[string]*avroNode{}}
}

// parseDocument parses one schema text, resolving its forward references.
func (p *avroParser) parseDocument(text string) (*avroNode, error) {
	doc, err := jackson.Decode(text)
	if err != nil {
		return nil, err
	}
	p.pending, p.refSlots, p.docNamed, p.defaultSteps = nil, nil, nil, 0
	root, err := p.parse(doc, "")
	if err != nil {
		return nil, err
	}
	root = p.resolve(root)
	if root.kind == kindRef {
		return nil, errors.New("Undefined schema: " + root.ref)
	}
	if root.kind.named() {
		root = p.names[root.name.full] // a named root is looked up by name, as Avro does
	}
	if err := p.replayResolver(root); err != nil {
		return nil, err
	}
	walkNodes(root, logicalTypeFirst)
	return root, nil
}

func (p *avroParser) parse(v *jackson.Value, space string) (*avroNode, error) {
	switch v.Kind {
	case jackson.String:
		return p.find(v.Str, space), nil
	case jackson.Object:
		return p.parseObject(v, space)
	case jackson.Array:
		return p.parseUnion(v, space)
	}
	return nil, fmt.Errorf("Schema not yet supported: %s", jackson.Render(v))
}

func (p *avroParser) parseObject(v *jackson.Value, space string) (*avroNode, error) {
	typ, ok := v.Get("type").TextValue()
	if !ok {
		return nil, fmt.Errorf("No type: %s", jackson.Render(v))
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
func properties(v *jackson.Value, reserved map[string]bool) ([]jackson.Member, error) {
	var out []jackson.Member
	for _, m := range v.Members {
		if !reserved[m.Key] {
			out = append(out, m)
		}
	}
	return out, nil
}

// containerProperties are the properties of a record, array or map. Avro's
// resolver copies these schemas, converting property values to Java objects
// and back; an integer beyond a long has no such object and fails the copy.
func containerProperties(v *jackson.Value) ([]jackson.Member, error) {
	props, _ := properties(v, schemaReserved)
	for _, m := range props {
		if hasBigInteger(m.Val) {
			return nil, errors.New("Can't set a property to null: " + m.Key)
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

func (p *avroParser) parseContainer(v *jackson.Value, space string, kind avroKind, key, missing string) (*avroNode, error) {
	child := v.Get(key)
	if child == nil {
		return nil, fmt.Errorf("%s: %s", missing, jackson.Render(v))
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

func (p *avroParser) parseUnion(v *jackson.Value, space string) (*avroNode, error) {
	n := &avroNode{kind: kindUnion}
	for _, el := range v.Elems {
		b, err := p.parse(el, space)
		if err != nil {
			return nil, err
		}
		n.branches = append(n.branches, b)
	}
	return n, checkBranches(n)
}

// parseName is Schema.parseName, whose Name validates the simple name.
func (p *avroParser) parseName(v *jackson.Value, space string) (avroName, error) {
	name, ok := v.Get("name").TextValue()
	if !ok {
		return avroName{}, fmt.Errorf("No name in schema: %s", jackson.Render(v))
	}
	if ns, ok := v.Get("namespace").TextValue(); ok {
		space = ns
	}
	n := newAvroName(name, space)
	return n, p.validateName(n.name)
}

// namedAfterPrimitive is NamedSchema's constructor check, which Avro runs
// once a record's name, an enum's symbols or a fixed's size has been read.
func namedAfterPrimitive(n avroName) error {
	if _, ok := avroPrimitives[n.full]; ok {
		return errors.New("Schemas may not be named after primitives: " + n.full)
	}
	return nil
}

func optionalText(v *jackson.Value, key string) *string {
	if s, ok := v.Get(key).TextValue(); ok {
		return &s
	}
	return nil
}

func (p *avroParser) parseRecord(v *jackson.Value, space string, isError bool) (*avroNode, error) {
	name, err := p.parseName(v, space)
	if err != nil {
		return nil, err
	}
	if err := namedAfterPrimitive(name); err != nil {
		return nil, err
	}
	n := &avroNode{kind: kindRecord, isError: isError, name: name, doc: optionalText(v, "doc")}
	fields := v.Get("fields")
	if fields == nil || fields.Kind != jackson.Array {
		return nil, fmt.Errorf("Record has no fields: %s", jackson.Render(v))
	}
	for _, fv := range fields.Elems {
		f, err := p.parseField(fv, name.space)
		if err != nil {
			return nil, err
		}
		n.fields = append(n.fields, f)
	}
	// Schema.setFields, once every field is built.
	n.fieldIndex = make(map[string]*avroField, len(n.fields))
	for i, f := range n.fields {
		if prev := n.fieldIndex[f.name]; prev != nil {
			// Java prints both fields with Field.toString: name, Schema.Type and position.
			return nil, fmt.Errorf("Duplicate field %s in record %s: %s type:%s pos:%d and %s type:%s pos:%d.",
				f.name, name.full, f.name, f.typ.kind, i, prev.name, prev.typ.kind, prev.pos)
		}
		n.fieldIndex[f.name] = f
		f.pos = i
	}
	return p.finishNamed(n, v, schemaReserved)
}

// finishNamed adds properties and aliases and registers the type
// (ParseContext.put), returning the node references should use.
func (p *avroParser) finishNamed(n *avroNode, v *jackson.Value, reserved map[string]bool) (*avroNode, error) {
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
		seen := map[[2]*avroNode]bool{}
		equal := avroEqual(old, n, seen)
		p.equalPairs += len(seen)
		if !equal {
			return nil, errors.New("Can't redefine: " + n.name.full)
		}
		n.sameAs = old
		p.docNamed = append(p.docNamed, n)
		return n, nil
	}
	p.names[n.name.full] = n
	p.docNamed = append(p.docNamed, n)
	return n, nil
}

// aliasList reads an "aliases" attribute: an array of strings, duplicates
// removed.
func aliasList(v *jackson.Value) ([]string, error) {
	av := v.Get("aliases")
	if av == nil {
		return nil, nil
	}
	if av.Kind != jackson.Array {
		return nil, fmt.Errorf("aliases not an array: %s", jackson.Render(v))
	}
	var out []string
	seen := map[string]bool{}
	for _, a := range av.Elems {
		s, ok := a.TextValue()
		if !ok {
			return nil, fmt.Errorf("alias not a string: %s", jackson.Render(a))
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out, nil
}

func (p *avroParser) parseField(v *jackson.Value, space string) (*avroField, error) {
	name, ok := v.Get("name").TextValue()
	if !ok {
		return nil, fmt.Errorf("No field name: %s", jackson.Render(v))
	}
	tv := v.Get("type")
	if tv == nil {
		return nil, fmt.Errorf("No field type: %s", jackson.Render(v))
	}
	typ, err := p.parse(tv, space)
	if err != nil {
		return nil, err
	}
	f := &avroField{name: name, typ: typ, doc: optionalText(v, "doc")}
	if f.props, err = properties(v, fieldReserved); err != nil {
		return nil, err
	}
	if f.order, err = fieldOrder(v.Get("order")); err != nil {
		return nil, err
	}
	if f.def, err = fieldDefault(v.Get("default"), typ); err != nil {
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

func fieldOrder(v *jackson.Value) (string, error) {
	if v == nil {
		return "ascending", nil
	}
	s, ok := v.TextValue()
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
func fieldDefault(v *jackson.Value, typ *avroNode) (*jackson.Value, error) {
	if v == nil || v.Kind != jackson.String || (typ.kind != kindFloat && typ.kind != kindDouble) {
		return v, nil
	}
	f, err := jackson.ParseDouble(v.Str)
	if err != nil {
		return nil, err
	}
	return jackson.NewDouble(f), nil
}

func (p *avroParser) parseEnum(v *jackson.Value, space string) (*avroNode, error) {
	name, err := p.parseName(v, space)
	if err != nil {
		return nil, err
	}
	n := &avroNode{kind: kindEnum, name: name, doc: optionalText(v, "doc")}
	sv := v.Get("symbols")
	if sv == nil || sv.Kind != jackson.Array {
		return nil, fmt.Errorf("Enum has no symbols: %s", jackson.Render(v))
	}
	if err := namedAfterPrimitive(name); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, s := range sv.Elems {
		sym, ok := s.TextValue()
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

func (p *avroParser) parseFixed(v *jackson.Value, space string) (*avroNode, error) {
	name, err := p.parseName(v, space)
	if err != nil {
		return nil, err
	}
	sv := v.Get("size")
	if sv == nil || sv.Kind != jackson.Number || sv.Num != jackson.Int {
		return nil, fmt.Errorf("Invalid or no size: %s", jackson.Render(v))
	}
	if err := namedAfterPrimitive(name); err != nil {
		return nil, err
	}
	if sv.Int < 0 {
		return nil, fmt.Errorf("Malformed data. Length is negative: %d", sv.Int)
	}
	if sv.Int > maxJavaArrayLength {
		return nil, fmt.Errorf("Cannot read arrays longer than %d bytes in Java library", maxJavaArrayLength)
	}
	n := &avroNode{kind: kindFixed, name: name, doc: optionalText(v, "doc"), size: int(sv.Int)}
	return p.finishNamed(n, v, schemaReserved)
}

// maxJavaArrayLength is Avro's SystemLimitException bound for fixed sizes.
const maxJavaArrayLength = 1<<31 - 1 - 8
