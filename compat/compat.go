package compat

import (
	"fmt"

	"github.com/accord-registry/accord/compat/jackson"
)

// SchemaType is Confluent's schemaType wire string.
type SchemaType string

// The schema types Confluent knows.
const (
	TypeAvro     SchemaType = "AVRO"
	TypeJSON     SchemaType = "JSON"
	TypeProtobuf SchemaType = "PROTOBUF"
)

// Supported reports whether this build can parse t. Names match exactly: Confluent refuses
// "avro" for "AVRO".
func Supported(t SchemaType) bool {
	_, ok := formatOf(t)
	return ok
}

// SupportedTypes lists the supported types in the order of Confluent's
// GET /schemas/types.
func SupportedTypes() []SchemaType {
	var out []SchemaType
	for _, t := range []SchemaType{TypeJSON, TypeProtobuf, TypeAvro} {
		if Supported(t) {
			out = append(out, t)
		}
	}
	return out
}

// Dependency is a schema the parsed schema references, already resolved by
// the caller (the store walks references transitively). A dependency's own
// dependencies come earlier in the slice.
type Dependency struct {
	Name   string // the reference name; for Avro the full name of the named type it provides
	Type   SchemaType
	Schema string // the dependency's schema text as stored
}

// ParseOptions says how to parse.
type ParseOptions struct {
	// New validates as a newly registered schema: strict name validation and
	// default-value validation. Confluent validates new schemas; stored ones
	// are parsed leniently.
	New bool
	// Normalize produces the normalised canonical form (Confluent's
	// normalize=true).
	Normalize bool
}

// Schema is a parsed schema. It is immutable and safe for concurrent use.
type Schema struct {
	typ    SchemaType
	parsed parsedSchema
}

// Format returns the schema's text in a named format: "resolved" for Avro, "serialized" and
// "ignore_extensions" for Protobuf. Other names report false; Confluent then serves the
// canonical text.
func (s *Schema) Format(name string) (string, bool) { return s.parsed.Format(name) }

// Type returns the schema's type.
func (s *Schema) Type() SchemaType { return s.typ }

// Canonical returns the text Confluent would store: for Avro, Avro Java's
// compact Schema.toString() (the normalised form when parsed with
// Normalize). Named types provided by dependencies are printed by name.
func (s *Schema) Canonical() string { return s.parsed.Canonical() }

// HasTopLevelField reports whether the schema's root declares a field of that name (for Avro,
// a field of the top-level record). Confluent's field validation forbids fields whose names
// the schema's metadata reserves.
func (s *Schema) HasTopLevelField(name string) bool { return s.parsed.HasTopLevelField(name) }

// ParseError is an invalid schema (Confluent error code 42201).
type ParseError struct {
	Type SchemaType
	Msg  string // the parser's message
	Err  error  // the underlying error, if any
}

func (e *ParseError) Error() string { return e.Msg }

func (e *ParseError) Unwrap() error { return e.Err }

// Parse parses text as a schema of type t. deps are the schemas it
// references, dependencies first. The error is always a *ParseError.
func Parse(t SchemaType, text string, deps []Dependency, opts ParseOptions) (*Schema, error) {
	f, ok := formatOf(t)
	if !ok {
		err := fmt.Errorf("unsupported schema type %s", t)
		return nil, &ParseError{Type: t, Msg: err.Error(), Err: err}
	}
	parsed, err := f.parse(text, deps, opts)
	if err != nil {
		return nil, &ParseError{Type: t, Msg: err.Error(), Err: err}
	}
	return &Schema{typ: t, parsed: parsed}, nil
}

// QuoteJSON quotes s as a JSON string the way Jackson, and so Confluent, writes it: only '"',
// '\\' and control characters are escaped. Canonical schema text needs it, and so do the
// `_schemas` record keys, which must be byte-identical to Confluent's for compaction.
func QuoteJSON(s string) string { return jackson.Quote(s) }
