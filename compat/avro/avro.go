package avro

import "fmt"

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

// finalCheck runs the validation that follows parsing. New schemas were
// validated strictly while they were parsed; stored ones get Confluent's
// check of their names. hamba's parser is not asked: TestHambaAgrees and
// FuzzHambaAgrees show it rejects nothing the strict parse accepts, and it
// cost more than the rest of a registration (BenchmarkParseNew).
func (p *avroParser) finalCheck(root *avroNode) error {
	if !p.strict {
		return validateStoredNames(root)
	}
	return nil
}
