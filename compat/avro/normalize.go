package avro

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/accord-registry/accord/compat/jackson"
)

// Normalisation follows Confluent's AvroSchemaUtils.toNormalizedString: a
// writer derived from Avro's parsing canonical form that keeps docs, aliases
// (sorted), defaults, field order, logical types and properties (sorted). Its
// output is parsed again and the stored text is that schema's ordinary
// canonical text, so what survives is exactly what the re-parse keeps:
// sorted properties (after logicalType and its decimal attributes), sorted
// aliases, "error" turned into "record", empty record docs dropped, and
// defaults converted through Avro's JacksonUtils.toObject (which retypes
// numbers and drops values that do not fit the field's type).

type normalizer struct {
	b   strings.Builder
	env map[string]bool
}

func normalizedText(root *avroNode, known []string) (string, error) {
	z := &normalizer{env: map[string]bool{}}
	for _, k := range known {
		z.env[k] = true
	}
	if err := z.build(root); err != nil {
		return "", err
	}
	return z.b.String(), nil
}

func (z *normalizer) build(n *avroNode) error {
	switch n.kind {
	case kindUnion:
		z.b.WriteByte('[')
		for i, b := range n.branches {
			if i > 0 {
				z.b.WriteByte(',')
			}
			if err := z.build(b); err != nil {
				return err
			}
		}
		z.b.WriteByte(']')
		return nil
	case kindArray, kindMap:
		return z.container(n)
	case kindRecord, kindEnum, kindFixed:
		return z.named(n)
	}
	return z.primitive(n)
}

func (z *normalizer) container(n *avroNode) error {
	z.b.WriteString(`{"type":"` + n.kind.typeName() + `",`)
	child := n.items
	if n.kind == kindArray {
		z.b.WriteString(`"items":`)
	} else {
		z.b.WriteString(`"values":`)
		child = n.values
	}
	if err := z.build(child); err != nil {
		return err
	}
	return z.closeWithProps(n, true)
}

func (z *normalizer) primitive(n *avroNode) error {
	if _, ok := logicalTypeOf(n); !ok && len(n.props) == 0 {
		jackson.WriteString(&z.b, n.kind.typeName())
		return nil
	}
	z.b.WriteString(`{"type":"` + n.kind.typeName() + `"`)
	return z.closeWithProps(n, true)
}

// closeWithProps writes the logical type attributes, the sorted properties
// and the closing brace.
func (z *normalizer) closeWithProps(n *avroNode, logical bool) error {
	if lt, ok := logicalTypeOf(n); ok && logical {
		z.b.WriteString(lt)
	}
	if err := z.simpleProps(n.props); err != nil {
		return err
	}
	z.b.WriteByte('}')
	return nil
}

func (z *normalizer) named(n *avroNode) error {
	if z.env[n.name.full] {
		jackson.WriteString(&z.b, n.name.full)
		return nil
	}
	z.env[n.name.full] = true
	z.b.WriteString(`{"name":`)
	jackson.WriteString(&z.b, n.name.full)
	z.b.WriteString(`,"type":"` + n.kind.typeName() + `"`)
	switch n.kind {
	case kindEnum:
		z.b.WriteString(`,"symbols":`)
		z.stringArray(n.symbols)
	case kindFixed:
		z.b.WriteString(`,"size":` + strconv.Itoa(n.size))
	default:
		if err := z.fields(n); err != nil {
			return err
		}
	}
	if lt, ok := logicalTypeOf(n); ok {
		z.b.WriteString(lt)
	}
	z.complexProps(n)
	return z.closeWithProps(n, false)
}

func (z *normalizer) fields(n *avroNode) error {
	z.b.WriteString(`,"fields":[`)
	for i, f := range n.fields {
		if i > 0 {
			z.b.WriteByte(',')
		}
		z.b.WriteString(`{"name":`)
		jackson.WriteString(&z.b, f.name)
		z.b.WriteString(`,"type":`)
		if err := z.build(f.typ); err != nil {
			return err
		}
		if err := z.fieldProps(f); err != nil {
			return err
		}
		z.b.WriteByte('}')
	}
	z.b.WriteByte(']')
	return nil
}

func (z *normalizer) fieldProps(f *avroField) error {
	z.b.WriteString(`,"order":"` + strings.ToUpper(f.order) + `"`)
	if f.doc != nil {
		z.b.WriteString(`,"doc":`)
		jackson.WriteString(&z.b, *f.doc)
	}
	if len(f.aliases) > 0 {
		z.b.WriteString(`,"aliases":`)
		z.stringArray(sortedUTF16(f.aliases))
	}
	def, err := normalizedDefault(f)
	if err != nil {
		return err
	}
	if def != nil {
		z.b.WriteString(`,"default":`)
		jackson.Write(&z.b, sortedKeys(def))
	}
	return z.simpleProps(f.props)
}

// complexProps writes a named type's doc (when not empty), its aliases as
// Schema.getAliases() reports them, sorted, and an enum's default.
func (z *normalizer) complexProps(n *avroNode) {
	if n.doc != nil && *n.doc != "" {
		z.b.WriteString(`,"doc":`)
		jackson.WriteString(&z.b, *n.doc)
	}
	if len(n.aliases) > 0 {
		var names []string
		for _, a := range n.aliases {
			if a.space == "" && n.name.space != "" {
				names = append(names, "."+a.name)
			} else {
				names = append(names, a.full)
			}
		}
		z.b.WriteString(`,"aliases":`)
		z.stringArray(sortedUTF16(names))
	}
	if n.enumDefault != nil {
		z.b.WriteString(`,"default":`)
		jackson.WriteString(&z.b, *n.enumDefault)
	}
}

// simpleProps writes the properties sorted by key. Avro turns each value
// into a Java object first; an integer beyond a long has no such object and
// makes Confluent's normaliser fail.
func (z *normalizer) simpleProps(props []jackson.Member) error {
	sorted := slices.Clone(props)
	slices.SortFunc(sorted, func(a, b jackson.Member) int { return jackson.CompareUTF16(a.Key, b.Key) })
	for _, m := range sorted {
		if hasBigInteger(m.Val) {
			return errors.New("cannot normalize property " + m.Key + ": integer out of range")
		}
		z.b.WriteByte(',')
		jackson.WriteString(&z.b, m.Key)
		z.b.WriteByte(':')
		jackson.Write(&z.b, sortedKeys(m.Val))
	}
	return nil
}

// sortedKeys copies v with the keys of every object sorted: Confluent
// rebuilds property and default values with a node factory whose objects
// are sorted maps.
func sortedKeys(v *jackson.Value) *jackson.Value {
	switch v.Kind {
	case jackson.Array:
		out := &jackson.Value{Kind: jackson.Array, Elems: make([]*jackson.Value, len(v.Elems))}
		for i, el := range v.Elems {
			out.Elems[i] = sortedKeys(el)
		}
		return out
	case jackson.Object:
		out := &jackson.Value{Kind: jackson.Object, Members: make([]jackson.Member, len(v.Members))}
		for i, m := range v.Members {
			out.Members[i] = jackson.Member{Key: m.Key, Val: sortedKeys(m.Val)}
		}
		slices.SortFunc(out.Members, func(a, b jackson.Member) int { return jackson.CompareUTF16(a.Key, b.Key) })
		return out
	}
	return v
}

func hasBigInteger(v *jackson.Value) bool {
	switch v.Kind {
	case jackson.Number:
		return v.Num == jackson.BigInteger
	case jackson.Array:
		return slices.ContainsFunc(v.Elems, hasBigInteger)
	case jackson.Object:
		return slices.ContainsFunc(v.Members, func(m jackson.Member) bool { return hasBigInteger(m.Val) })
	}
	return false
}

func (z *normalizer) stringArray(list []string) {
	z.b.WriteByte('[')
	for i, s := range list {
		if i > 0 {
			z.b.WriteByte(',')
		}
		jackson.WriteString(&z.b, s)
	}
	z.b.WriteByte(']')
}

func sortedUTF16(list []string) []string {
	out := slices.Clone(list)
	slices.SortFunc(out, jackson.CompareUTF16)
	return out
}

// errNormalizeDefault is where Avro's conversion of a default throws: a
// field typed by an empty union, or a value of the wrong shape inside an
// array, map or record default.
var errNormalizeDefault = errors.New("cannot normalize a default value that does not match its schema")

// normalizedDefault is Field.defaultVal() (JacksonUtils.toObject in Avro
// 1.12.1) followed by the JSON write-and-read Confluent's normaliser does.
// nil means Java's null: the default is dropped. Avro converts even an
// absent default, so a field typed by an empty union always fails.
func normalizedDefault(f *avroField) (*jackson.Value, error) {
	if f.typ.kind == kindUnion && len(f.typ.branches) == 0 {
		return nil, errNormalizeDefault
	}
	if f.def == nil {
		return nil, nil
	}
	return javaToObject(f.def, f.typ)
}

// javaToObject converts like JacksonUtils.toObject(node, schema): a union
// converts as its first branch; a value that does not fit is Java's null.
func javaToObject(v *jackson.Value, s *avroNode) (*jackson.Value, error) {
	if s != nil && s.kind == kindUnion {
		if len(s.branches) == 0 {
			return nil, errNormalizeDefault
		}
		return javaToObject(v, s.branches[0])
	}
	switch v.Kind {
	case jackson.Null, jackson.Bool:
		return v, nil
	case jackson.Number:
		return numberToObject(v, s), nil
	case jackson.String:
		return textToObject(v, s), nil
	case jackson.Array:
		return arrayToObject(v, s)
	}
	return objectToObject(v, s)
}

func numberToObject(v *jackson.Value, s *avroNode) *jackson.Value {
	kind := kindNull
	if s != nil {
		kind = s.kind
	}
	switch {
	case v.Num == jackson.BigInteger:
		return nil
	case v.Num == jackson.Double && (s == nil || kind == kindDouble):
		return v
	case v.Num != jackson.Double && (s == nil || kind == kindInt || kind == kindLong):
		return v
	case kind == kindFloat:
		return asFloat(v)
	case kind == kindDouble:
		return jackson.NewDouble(float64(v.Int))
	}
	return nil
}

// asFloat narrows to a Java float, written with Float.toString and read back
// as a double.
func asFloat(v *jackson.Value) *jackson.Value {
	f := v.Float
	if v.Num != jackson.Double {
		f = float64(v.Int)
	}
	text := jackson.FormatFloat(float32(f))
	if back, err := strconv.ParseFloat(text, 64); err == nil {
		return jackson.NewDouble(back)
	}
	return jackson.NewDouble(float64(float32(f))) // NaN or an infinity
}

func textToObject(v *jackson.Value, s *avroNode) *jackson.Value {
	if s == nil || s.kind == kindString || s.kind == kindEnum {
		return v
	}
	if s.kind != kindBytes && s.kind != kindFixed {
		return nil
	}
	out := []rune(v.Str)
	for i, r := range out {
		if r > 0xFF {
			out[i] = '?' // String.getBytes(ISO_8859_1), per code point
		}
	}
	return jackson.NewString(string(out))
}

func arrayToObject(v *jackson.Value, s *avroNode) (*jackson.Value, error) {
	out := &jackson.Value{Kind: jackson.Array}
	for _, el := range v.Elems {
		var elem *avroNode
		if s != nil {
			if s.kind != kindArray {
				return nil, errNormalizeDefault // Schema.getElementType() throws
			}
			elem = s.items
		}
		o, err := javaToObject(el, elem)
		if err != nil || o == nil {
			return nil, errNormalizeDefault
		}
		out.Elems = append(out.Elems, o)
	}
	return out, nil
}

func objectToObject(v *jackson.Value, s *avroNode) (*jackson.Value, error) {
	out := &jackson.Value{Kind: jackson.Object}
	for _, m := range v.Members {
		var vs *avroNode
		switch {
		case s != nil && s.kind == kindMap:
			vs = s.values
		case s != nil && s.kind == kindRecord:
			f := s.field(m.Key)
			if f == nil {
				return nil, errNormalizeDefault
			}
			vs = f.typ
		}
		o, err := javaToObject(m.Val, vs)
		if err != nil || o == nil {
			return nil, errNormalizeDefault
		}
		out.Members = append(out.Members, jackson.Member{Key: m.Key, Val: o})
	}
	return out, nil
}

func (n *avroNode) field(name string) *avroField {
	if n.fieldIndex != nil {
		return n.fieldIndex[name]
	}
	for _, f := range n.fields {
		if f.name == name {
			return f
		}
	}
	return nil
}

// logicalTypeOf is LogicalTypes.fromSchemaIgnoreInvalid (with the "map" and
// "variant" types Confluent registers). It returns the attributes the
// normaliser writes for a valid logical type.
func logicalTypeOf(n *avroNode) (string, bool) {
	name, ok := n.prop("logicalType").TextValue()
	if !ok || hasJavaClassProp(n) {
		return "", false
	}
	attr := `,"logicalType":` + quote(name)
	switch name {
	case "decimal":
		return decimalAttributes(n, attr)
	case "date", "time-millis":
		return attr, n.kind == kindInt
	case "time-micros", "timestamp-millis", "timestamp-micros", "timestamp-nanos",
		"local-timestamp-millis", "local-timestamp-micros", "local-timestamp-nanos":
		return attr, n.kind == kindLong
	case "uuid":
		return attr, n.kind == kindString || (n.kind == kindFixed && n.size == 16)
	case "duration":
		return attr, n.kind == kindFixed && n.size == 12
	case "big-decimal":
		return attr, n.kind == kindBytes
	case "map":
		return attr, n.kind == kindArray && keyValueRecord(n.items)
	case "variant":
		return attr, variantRecord(n)
	}
	return "", false
}

func quote(s string) string {
	var b strings.Builder
	jackson.WriteString(&b, s)
	return b.String()
}

// hasJavaClassProp reports the properties a logical type may not be used
// with (LogicalType.INCOMPATIBLE_PROPS).
func hasJavaClassProp(n *avroNode) bool {
	for _, k := range []string{"avro.java.string", "java-class", "java-key-class", "java-element-class"} {
		if _, ok := n.prop(k).TextValue(); ok {
			return true
		}
	}
	return false
}

func decimalAttributes(n *avroNode, attr string) (string, bool) {
	precision, ok := intProp(n, "precision")
	if !ok || (n.kind != kindBytes && n.kind != kindFixed) || precision <= 0 {
		return "", false
	}
	scale := 0
	if n.prop("scale") != nil {
		if scale, ok = intProp(n, "scale"); !ok {
			return "", false
		}
	}
	if n.kind == kindFixed && float64(precision) > math.Round(math.Floor(math.Log10(2)*float64(8*n.size-1))) {
		return "", false
	}
	if scale < 0 || scale > precision {
		return "", false
	}
	attr += `,"precision":` + strconv.Itoa(precision)
	if scale != 0 {
		attr += `,"scale":` + strconv.Itoa(scale)
	}
	return attr, true
}

func intProp(n *avroNode, key string) (int, bool) {
	v := n.prop(key)
	if v == nil || v.Kind != jackson.Number || v.Num != jackson.Int {
		return 0, false
	}
	return int(v.Int), true
}

func keyValueRecord(n *avroNode) bool {
	return n.kind == kindRecord && len(n.fields) == 2 && n.fields[0].name == "key" && n.fields[1].name == "value"
}

func variantRecord(n *avroNode) bool {
	if n.kind != kindRecord || len(n.fields) != 2 {
		return false
	}
	m, v := n.field("metadata"), n.field("value")
	return m != nil && v != nil && m.typ.kind == kindBytes && v.typ.kind == kindBytes
}
