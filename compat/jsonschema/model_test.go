package jsonschema_test

import (
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/jsonschema"
)

// model parses text with the jsonschema package alone, for the full change list of a diff
// (compat's Check reports only the incompatible changes).
func model(t *testing.T, text string, deps []compat.Dependency) *jsonschema.Schema {
	t.Helper()
	refs := make([]jsonschema.Dependency, len(deps))
	for i, d := range deps {
		refs[i] = jsonschema.Dependency{Name: d.Name, Type: string(d.Type), Schema: d.Schema}
	}
	s, err := jsonschema.Parse(text, refs, false)
	if err != nil {
		t.Fatalf("jsonschema.Parse(%s) = %v", text, err)
	}
	return s
}
