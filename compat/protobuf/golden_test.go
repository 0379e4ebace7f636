package protobuf_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
	"github.com/accord-registry/accord/compat/protobuf"
)

// protobufVersionFile names the schema versions of a golden case.
var protobufVersionFile = regexp.MustCompile(`^v[0-9]+\.proto$`)

// TestGoldenProtobuf runs testdata/compatibility/*.txtar. Each case holds schema versions
// v1.proto, v2.proto, ... (the last is the new schema, the others its previous versions,
// oldest first) and optional other *.proto files, which are references of every version
// under their file name. The comment header says what the case shows; a line "legacy" in it
// selects the pre-DGS-24604 oneof rules. The want section gives the verdict and messages
// per level, changes the full change list from the previous version to the new one, and
// canonical the new schema's canonical text.
func TestGoldenProtobuf(t *testing.T) {
	compattest.EachGolden(t, "compatibility", func(t *testing.T, file string, ar *txtar.Archive) {
		want, changes, canonical := runProtobufGolden(t, ar)
		compattest.CheckGolden(t, file, ar, "changes", changes)
		compattest.CheckGolden(t, file, ar, "canonical", canonical)
		compattest.CheckGolden(t, file, ar, "want", want)
	})
}

func runProtobufGolden(t *testing.T, ar *txtar.Archive) (want, changes, canonical string) {
	t.Helper()
	legacy := strings.Contains("\n"+string(ar.Comment), "\nlegacy\n")
	var deps []compat.Dependency
	for _, f := range ar.Files {
		if strings.HasSuffix(f.Name, ".proto") && !protobufVersionFile.MatchString(f.Name) {
			deps = append(deps, compat.Dependency{Name: f.Name, Type: compat.TypeProtobuf, Schema: string(f.Data)})
		}
	}
	next, prev := compattest.Versions(t, ar, compat.TypeProtobuf, "proto", deps)
	var b strings.Builder
	compattest.WriteLevelResults(&b, next, prev, compat.CheckOptions{LegacyProtobufOneof: legacy})
	nextText, _ := compattest.Section(ar, fmt.Sprintf("v%d.proto", len(prev)+1))
	prevText, _ := compattest.Section(ar, fmt.Sprintf("v%d.proto", len(prev)))
	list := protobuf.Changes(compattest.ProtobufModel(t, prevText, deps), compattest.ProtobufModel(t, nextText, deps), legacy)
	return b.String(), strings.Join(list, "\n") + "\n", next.Canonical()
}
