package avro

import (
	"strconv"
	"strings"

	"github.com/accord-registry/accord/compat/jackson"
)

// The canonical text is Avro Java's Schema.toString(referencedSchemas,
// false), which Confluent stores: compact JSON with attributes in the order
// Java writes them, each named type defined at its first occurrence and
// referred to by name afterwards, and properties in document order.

// javaWriter is Schema.toJson with its set of names already written.
type javaWriter struct {
	b     strings.Builder
	known map[string]bool
}

// canonicalText renders root, treating the names in known (Confluent passes
// the full names of the dependencies' top-level schemas) as already defined.
func canonicalText(root *avroNode, known []string) string {
	w := &javaWriter{known: map[string]bool{}}
	for _, k := range known {
		w.known[k] = true
	}
	w.schema(root, "")
	return w.b.String()
}

// resolvedText renders n with every named type defined at first use
// (Schema.toString()).
func resolvedText(n *avroNode) string { return canonicalText(n, nil) }

func (w *javaWriter) schema(n *avroNode, space string) {
	switch n.kind {
	case kindRecord:
		w.record(n, space)
	case kindEnum:
		w.enum(n, space)
	case kindFixed:
		w.fixed(n, space)
	case kindArray:
		w.container(n, "array", "items", n.items, space)
	case kindMap:
		w.container(n, "map", "values", n.values, space)
	case kindUnion:
		w.b.WriteByte('[')
		for i, b := range n.branches {
			w.comma(i)
			w.schema(b, space)
		}
		w.b.WriteByte(']')
	case kindRef:
		jackson.WriteString(&w.b, n.ref)
	default:
		w.primitive(n)
	}
}

func (w *javaWriter) comma(i int) {
	if i > 0 {
		w.b.WriteByte(',')
	}
}

func (w *javaWriter) key(k string) {
	w.b.WriteByte(',')
	jackson.WriteString(&w.b, k)
	w.b.WriteByte(':')
}

func (w *javaWriter) stringAttr(k, v string) {
	w.key(k)
	jackson.WriteString(&w.b, v)
}

// stringsAttr writes an attribute whose value is an array of strings.
func (w *javaWriter) stringsAttr(k string, list []string) {
	w.key(k)
	w.b.WriteByte('[')
	for i, s := range list {
		w.comma(i)
		jackson.WriteString(&w.b, s)
	}
	w.b.WriteByte(']')
}

func (w *javaWriter) primitive(n *avroNode) {
	if len(n.props) == 0 {
		jackson.WriteString(&w.b, n.kind.typeName())
		return
	}
	w.b.WriteString(`{"type":`)
	jackson.WriteString(&w.b, n.kind.typeName())
	w.props(n.props)
	w.b.WriteByte('}')
}

func (w *javaWriter) container(n *avroNode, typ, key string, child *avroNode, space string) {
	w.b.WriteString(`{"type":"` + typ + `"`)
	w.key(key)
	w.schema(child, space)
	w.props(n.props)
	w.b.WriteByte('}')
}

func (w *javaWriter) props(props []jackson.Member) {
	for _, m := range props {
		w.key(m.Key)
		jackson.Write(&w.b, m.Val)
	}
}

// nameRef writes a reference and reports true when the type was already
// written (NamedSchema.writeNameRef).
func (w *javaWriter) nameRef(n *avroNode, space string) bool {
	if w.known[n.name.full] {
		jackson.WriteString(&w.b, n.name.qualified(space))
		return true
	}
	w.known[n.name.full] = true
	return false
}

// header writes {"type":T,"name":N[,"namespace":S][,"doc":D].
func (w *javaWriter) header(n *avroNode, typ, space string) {
	w.b.WriteString(`{"type":"` + typ + `"`)
	w.stringAttr("name", n.name.name)
	switch {
	case n.name.space != "" && n.name.space != space:
		w.stringAttr("namespace", n.name.space)
	case n.name.space == "" && space != "":
		w.stringAttr("namespace", "")
	}
	if n.doc != nil {
		w.stringAttr("doc", *n.doc)
	}
}

// trailer writes the properties, then the aliases, and closes the object.
func (w *javaWriter) trailer(n *avroNode) {
	w.props(n.props)
	if len(n.aliases) > 0 {
		names := make([]string, len(n.aliases))
		for i, a := range n.aliases {
			names[i] = a.qualified(n.name.space)
		}
		w.stringsAttr("aliases", names)
	}
	w.b.WriteByte('}')
}

func (w *javaWriter) record(n *avroNode, space string) {
	if w.nameRef(n, space) {
		return
	}
	typ := "record"
	if n.isError {
		typ = "error"
	}
	w.header(n, typ, space)
	w.key("fields")
	w.b.WriteByte('[')
	for i, f := range n.fields {
		w.comma(i)
		w.field(f, n.name.space)
	}
	w.b.WriteByte(']')
	w.trailer(n)
}

func (w *javaWriter) field(f *avroField, space string) {
	w.b.WriteString(`{"name":`)
	jackson.WriteString(&w.b, f.name)
	w.key("type")
	w.schema(f.typ, space)
	if f.doc != nil {
		w.stringAttr("doc", *f.doc)
	}
	if f.def != nil {
		w.key("default")
		jackson.Write(&w.b, f.def)
	}
	if f.order != "ascending" {
		w.stringAttr("order", f.order)
	}
	if len(f.aliases) > 0 {
		w.stringsAttr("aliases", f.aliases)
	}
	w.props(f.props)
	w.b.WriteByte('}')
}

func (w *javaWriter) enum(n *avroNode, space string) {
	if w.nameRef(n, space) {
		return
	}
	w.header(n, "enum", space)
	w.stringsAttr("symbols", n.symbols)
	if n.enumDefault != nil {
		w.stringAttr("default", *n.enumDefault)
	}
	w.trailer(n)
}

func (w *javaWriter) fixed(n *avroNode, space string) {
	if w.nameRef(n, space) {
		return
	}
	w.header(n, "fixed", space)
	w.key("size")
	w.b.WriteString(strconv.Itoa(n.size))
	w.trailer(n)
}
