package compattest

import (
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/jsonschema"
	"github.com/accord-registry/accord/compat/protobuf"
)

// The models are a schema parsed again by its format's package alone, for what compat does
// not expose: the full change lists (compat's Check reports only the incompatible changes).

// JSONSchemaModel parses text with package jsonschema.
func JSONSchemaModel(t testing.TB, text string, deps []compat.Dependency) *jsonschema.Schema {
	return reparse(t, text, deps, jsonschema.Parse, func(d compat.Dependency) jsonschema.Dependency {
		return jsonschema.Dependency{Name: d.Name, Type: string(d.Type), Schema: d.Schema}
	})
}

// ProtobufModel parses text with package protobuf.
func ProtobufModel(t testing.TB, text string, deps []compat.Dependency) *protobuf.Schema {
	return reparse(t, text, deps, protobuf.Parse, func(d compat.Dependency) protobuf.Dependency {
		return protobuf.Dependency{Name: d.Name, Type: string(d.Type), Schema: d.Schema}
	})
}

// reparse parses text, not normalised, with a format's parse function, its dependencies given
// in the format's own Dependency type by ref.
func reparse[S, D any](t testing.TB, text string, deps []compat.Dependency, parse func(string, []D, bool) (S, error), ref func(compat.Dependency) D) S {
	t.Helper()
	var refs []D
	for _, d := range deps {
		refs = append(refs, ref(d))
	}
	s, err := parse(text, refs, false)
	if err != nil {
		t.Fatalf("Parse(%s) = %v", text, err)
	}
	return s
}
