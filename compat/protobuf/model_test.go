package protobuf_test

import (
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/protobuf"
)

// model parses text with the protobuf package alone, for the full change list of a diff
// (compat's Check reports only the incompatible changes).
func model(t *testing.T, text string, deps []compat.Dependency) *protobuf.Schema {
	t.Helper()
	refs := make([]protobuf.Dependency, len(deps))
	for i, d := range deps {
		refs[i] = protobuf.Dependency{Name: d.Name, Type: string(d.Type), Schema: d.Schema}
	}
	s, err := protobuf.Parse(text, refs, false)
	if err != nil {
		t.Fatalf("protobuf.Parse(%s) = %v", text, err)
	}
	return s
}
