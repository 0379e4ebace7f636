package avro

import (
	"fmt"
	"strings"

	hamba "github.com/hamba/avro/v2"

	"github.com/accord-registry/accord/compat/jackson"
)

// hambaRejects parses text as a new schema with the dependencies given (texts, each its own
// reference name) and, when Accord accepts it, returns hamba's objection to it, if any: the
// oracle of TestHambaAgrees.
func hambaRejects(text string, deps ...string) error {
	p := newAvroParser(ParseOptions{New: true})
	list := make([]Dependency, len(deps))
	for i, d := range deps {
		list[i] = Dependency{Name: fmt.Sprintf("dep%d", i), Schema: d}
	}
	if _, err := p.parseDependencies(list); err != nil {
		return nil
	}
	root, err := p.parseDocument(text)
	if err != nil {
		return nil
	}
	return hambaCheck(p.docs, root)
}

// hambaCheck parses the schema with hamba/avro, with a fresh cache filled
// from the dependencies in order. hamba is given its own rendering of the
// already validated graph (hambaText): hamba resolves names and validates
// defaults differently from Avro Java, so the parts where it would reject
// what Confluent accepts are left out of that rendering.
func hambaCheck(deps []*avroNode, root *avroNode) error {
	h := &hambaWriter{names: map[*avroNode]string{}, used: map[string]*avroNode{}}
	cache := &hamba.SchemaCache{}
	for _, d := range append(deps[:len(deps):len(deps)], root) {
		text, ok := h.render(d)
		if !ok {
			return nil // not expressible for hamba; Avro Java's checks stand
		}
		if _, err := hamba.ParseWithCache(text, "", cache); err != nil {
			return err
		}
	}
	return nil
}

// hambaWriter renders a graph in the dialect hamba reads: every named type
// under the full name hamba will give it, every reference by that full name,
// no defaults, aliases, docs or properties, and no empty enums.
type hambaWriter struct {
	b     strings.Builder
	names map[*avroNode]string // hamba's full name of each type written so far
	used  map[string]*avroNode
	bad   bool
}

func (h *hambaWriter) render(root *avroNode) (string, bool) {
	h.b.Reset()
	h.bad = false
	h.schema(root, "")
	return h.b.String(), !h.bad
}

func (h *hambaWriter) schema(n *avroNode, space string) {
	switch n.kind {
	case kindRecord, kindEnum, kindFixed:
		h.named(n, space)
	case kindArray:
		h.b.WriteString(`{"type":"array","items":`)
		h.schema(n.items, space)
		h.b.WriteByte('}')
	case kindMap:
		h.b.WriteString(`{"type":"map","values":`)
		h.schema(n.values, space)
		h.b.WriteByte('}')
	case kindUnion:
		h.b.WriteByte('[')
		for i, b := range n.branches {
			if i > 0 {
				h.b.WriteByte(',')
			}
			h.schema(b, space)
		}
		h.b.WriteByte(']')
	default:
		jackson.WriteString(&h.b, n.kind.typeName())
	}
}

// named writes a definition or a reference. hamba gives a type without
// namespace the enclosing one and resolves a dotless reference only inside
// the current namespace; what cannot be said that way marks the rendering bad.
func (h *hambaWriter) named(n *avroNode, space string) {
	if full, ok := h.names[n]; ok {
		if !strings.Contains(full, ".") && space != "" {
			h.bad = true
		}
		jackson.WriteString(&h.b, full)
		return
	}
	full := n.name.full
	if n.name.space == "" && space != "" {
		full = space + "." + n.name.name
	}
	if other := h.used[full]; other != nil && other != n {
		h.bad = true
	}
	h.names[n], h.used[full] = full, n
	h.b.WriteString(`{"type":"` + n.kind.typeName() + `","name":`)
	jackson.WriteString(&h.b, full)
	switch n.kind {
	case kindFixed:
		fmt.Fprintf(&h.b, `,"size":%d`, n.size)
	case kindEnum:
		h.symbols(n.symbols)
	case kindRecord:
		h.fields(n, full)
	}
	h.b.WriteByte('}')
}

func (h *hambaWriter) symbols(symbols []string) {
	if len(symbols) == 0 {
		symbols = []string{"EMPTY"} // Avro Java allows an empty enum, hamba does not
	}
	h.b.WriteString(`,"symbols":[`)
	for i, s := range symbols {
		if i > 0 {
			h.b.WriteByte(',')
		}
		jackson.WriteString(&h.b, s)
	}
	h.b.WriteByte(']')
}

func (h *hambaWriter) fields(n *avroNode, full string) {
	space := ""
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		space = full[:i]
	}
	h.b.WriteString(`,"fields":[`)
	for i, f := range n.fields {
		if i > 0 {
			h.b.WriteByte(',')
		}
		h.b.WriteString(`{"name":`)
		jackson.WriteString(&h.b, f.name)
		h.b.WriteString(`,"type":`)
		h.schema(f.typ, space)
		h.b.WriteByte('}')
	}
	h.b.WriteByte(']')
}
