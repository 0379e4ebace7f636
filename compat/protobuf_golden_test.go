package compat

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// protobufVersionFile names the schema versions of a golden case.
var protobufVersionFile = regexp.MustCompile(`^v[0-9]+\.proto$`)

// TestGoldenProtobuf runs testdata/protobuf/*.txtar. Each case holds schema versions
// v1.proto, v2.proto, ... (the last is the new schema, the others its previous versions,
// oldest first) and optional other *.proto files, which are references of every version
// under their file name. The comment header says what the case shows; a line "legacy" in it
// selects the pre-DGS-24604 oneof rules. The want section gives the verdict and messages
// per level, changes the full change list from the previous version to the new one, and
// canonical the new schema's canonical text.
func TestGoldenProtobuf(t *testing.T) {
	eachGolden(t, "protobuf", func(t *testing.T, file string, ar *txtar.Archive) {
		want, changes, canonical := runProtobufGolden(t, ar)
		checkGolden(t, file, ar, "changes", changes)
		checkGolden(t, file, ar, "canonical", canonical)
		checkGolden(t, file, ar, "want", want)
	})
}

func runProtobufGolden(t *testing.T, ar *txtar.Archive) (want, changes, canonical string) {
	t.Helper()
	legacy := strings.Contains("\n"+string(ar.Comment), "\nlegacy\n")
	var deps []Dependency
	for _, f := range ar.Files {
		if strings.HasSuffix(f.Name, ".proto") && !protobufVersionFile.MatchString(f.Name) {
			deps = append(deps, Dependency{Name: f.Name, Type: TypeProtobuf, Schema: string(f.Data)})
		}
	}
	next, prev := goldenVersions(t, ar, TypeProtobuf, "proto", deps)
	var b strings.Builder
	writeLevelResults(&b, next, prev, CheckOptions{LegacyProtobufOneof: legacy})
	list := protobuf_Changes(prev[len(prev)-1].Schema.parsed.(*protobuf_Schema), next.parsed.(*protobuf_Schema), legacy)
	return b.String(), strings.Join(list, "\n") + "\n", next.Canonical()
}
