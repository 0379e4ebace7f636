package avro

import (
	"fmt"
	"strings"

	hamba "github.com/hamba/avro/v2"

	"github.com/accord-registry/accord/compat/jackson"
)

// Schema is a parsed Avro schema: the root of its graph and the texts Confluent serves.
// It is immutable and safe for concurrent use.
type Schema struct {
	root      *avroNode
	canonical string
	resolved  string
}

// Canonical returns the text Confluent would store: Avro Java's compact Schema.toString()
// (the normalised form when parsed with Normalize). Named types provided by dependencies are
// printed by name.
func (s *Schema) Canonical() string { return s.canonical }

// Format returns the schema's text in a named format; Avro has one, "resolved": the canonical
// text with the dependencies' types inlined.
func (s *Schema) Format(name string) (string, bool) {
	if name == "resolved" {
		return s.resolved, true
	}
	return "", false
}

// HasTopLevelField reports whether the schema is a record with a field of that name.
func (s *Schema) HasTopLevelField(name string) bool {
	if s.root.kind != kindRecord {
		return false
	}
	for _, f := range s.root.fields {
		if f.name == name {
			return true
		}
	}
	return false
}

// Dependency is a schema the parsed schema references, already resolved by the caller.
// A dependency's own dependencies come earlier in the list.
type Dependency struct {
	Name   string // the reference name: the full name of the named type it provides
	Schema string // the dependency's schema text as stored
}

// ParseOptions says how to parse.
type ParseOptions struct {
	// New validates as a newly registered schema: strict name validation and default-value
	// validation. Confluent validates new schemas; stored ones are parsed leniently.
	New bool
	// Normalize produces the normalised canonical form (Confluent's normalize=true).
	Normalize bool
}

// Parse parses an Avro schema the way Confluent's AvroSchema does: one
// Avro parser reads the dependencies in order and then the schema; new
// schemas get strict names and default validation, stored ones only
// Confluent's name check; Normalize re-parses the normalised text.
func Parse(text string, deps []Dependency, opts ParseOptions) (*Schema, error) {
	p := newAvroParser(opts)
	known, err := p.parseDependencies(deps)
	if err != nil {
		return nil, err
	}
	root, err := p.parseDocument(text)
	if err != nil {
		return nil, err
	}
	if err := p.finalCheck(root); err != nil {
		return nil, err
	}
	if opts.Normalize {
		norm, err := normalizedText(root, known)
		if err != nil {
			return nil, err
		}
		return Parse(norm, deps, ParseOptions{New: opts.New})
	}
	return &Schema{root: root, canonical: canonicalText(root, known), resolved: resolvedText(root)}, nil
}

// parseDependencies parses each dependency into the parser's names and
// returns the full names of their top-level types, the names Confluent's
// canonical text prints by reference.
func (p *avroParser) parseDependencies(deps []Dependency) ([]string, error) {
	var known []string
	for _, d := range deps {
		root, err := p.parseDocument(d.Schema)
		if err != nil {
			return nil, fmt.Errorf("invalid reference %s: %w", d.Name, err)
		}
		p.docs = append(p.docs, root)
		if root.kind.named() {
			known = append(known, root.name.full)
		}
	}
	return known, nil
}

// finalCheck runs the validation that follows parsing: Confluent's name
// check for stored schemas, and for new ones hamba's parser as a second
// opinion.
func (p *avroParser) finalCheck(root *avroNode) error {
	if !p.strict {
		return validateStoredNames(root)
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
