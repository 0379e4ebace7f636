package compat

import (
	"github.com/accord-registry/accord/compat/budget"

	"github.com/accord-registry/accord/compat/avro"

	"github.com/accord-registry/accord/compat/jsonschema"

	"github.com/accord-registry/accord/compat/protobuf"
)

// This file is the one place that knows the formats: the root parses and compares through
// schemaFormat, and each format's package knows nothing of compat.

// parsedSchema is a schema as its format's package returns it.
type parsedSchema interface {
	Canonical() string
	Format(name string) (string, bool)
	HasTopLevelField(name string) bool
}

// schemaFormat is one schema language: how to parse it and how to diff two schemas of it.
type schemaFormat struct {
	parse func(text string, deps []Dependency, opts ParseOptions) (parsedSchema, error)
	// differences lists why reader cannot read data written with writer, as message
	// templates with two %s placeholders (reader side, writer side). For the diff engines of
	// JSON Schema and Protobuf, reader is Confluent's "update" and writer its "original".
	// Both schemas are of this format. b bounds the work; once it is spent the list is
	// meaningless and the caller discards it.
	differences func(reader, writer parsedSchema, opts CheckOptions, b *budget.Budget) []string
}

// formatOf returns the format of t, or false when this build cannot handle t.
func formatOf(t SchemaType) (schemaFormat, bool) {
	switch t {
	case TypeAvro:
		return schemaFormat{parse: parseAvro, differences: avroDifferences}, true
	case TypeJSON:
		return schemaFormat{parse: parseJSONSchema, differences: jsonSchemaDifferences}, true
	case TypeProtobuf:
		return schemaFormat{parse: parseProtobuf, differences: protobufDifferences}, true
	}
	return schemaFormat{}, false
}

func parseAvro(text string, deps []Dependency, opts ParseOptions) (parsedSchema, error) {
	refs := references(deps, func(d Dependency) avro.Dependency { return avro.Dependency{Name: d.Name, Schema: d.Schema} })
	return avro.Parse(text, refs, avro.ParseOptions{New: opts.New, Normalize: opts.Normalize})
}

// avroDifferences is Apache Avro's reader/writer check (policy does not apply to Avro).
func avroDifferences(reader, writer parsedSchema, _ CheckOptions, b *budget.Budget) []string {
	return avro.Differences(reader.(*avro.Schema), writer.(*avro.Schema), b)
}

func parseJSONSchema(text string, deps []Dependency, opts ParseOptions) (parsedSchema, error) {
	refs := references(deps, func(d Dependency) jsonschema.Dependency {
		return jsonschema.Dependency{Name: d.Name, Type: string(d.Type), Schema: d.Schema}
	})
	return jsonschema.Parse(text, refs, opts.Normalize)
}

func jsonSchemaDifferences(reader, writer parsedSchema, opts CheckOptions, b *budget.Budget) []string {
	lenient := opts.Policy == PolicyLenient
	return jsonschema.Differences(reader.(*jsonschema.Schema), writer.(*jsonschema.Schema), lenient, b)
}

func parseProtobuf(text string, deps []Dependency, opts ParseOptions) (parsedSchema, error) {
	refs := references(deps, func(d Dependency) protobuf.Dependency {
		return protobuf.Dependency{Name: d.Name, Type: string(d.Type), Schema: d.Schema}
	})
	return protobuf.Parse(text, refs, opts.Normalize)
}

func protobufDifferences(reader, writer parsedSchema, opts CheckOptions, b *budget.Budget) []string {
	return protobuf.Differences(reader.(*protobuf.Schema), writer.(*protobuf.Schema), opts.LegacyProtobufOneof, b)
}

// references converts deps into a format package's own Dependency type.
func references[D any](deps []Dependency, ref func(Dependency) D) []D {
	out := make([]D, len(deps))
	for i, d := range deps {
		out[i] = ref(d)
	}
	return out
}
