package compat

import (
	"fmt"
	"path/filepath"
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
	files, err := filepath.Glob(filepath.Join("testdata", "protobuf", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want, changes, canonical := runProtobufGolden(t, ar)
			checkGolden(t, file, ar, "changes", changes)
			checkGolden(t, file, ar, "canonical", canonical)
			checkGolden(t, file, ar, "want", want)
		})
	}
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
	var versions []*Schema
	for i := 1; ; i++ {
		text, ok := section(ar, fmt.Sprintf("v%d.proto", i))
		if !ok {
			break
		}
		s, err := Parse(TypeProtobuf, text, deps, ParseOptions{New: true})
		if err != nil {
			t.Fatalf("v%d: %v", i, err)
		}
		versions = append(versions, s)
	}
	if len(versions) < 2 {
		t.Fatal("a case needs at least v1.proto and v2.proto")
	}
	next := versions[len(versions)-1]
	var prev []Previous
	for i, s := range versions[:len(versions)-1] {
		prev = append(prev, Previous{Schema: s, Version: i + 1})
	}
	var b strings.Builder
	for _, level := range allLevels {
		res := Check(next, prev, CheckOptions{Level: level, LegacyProtobufOneof: legacy})
		verdict := "compatible"
		if !res.Compatible {
			verdict = "incompatible"
		}
		fmt.Fprintf(&b, "%s: %s\n", level, verdict)
		for _, m := range res.Messages {
			fmt.Fprintf(&b, "  %s\n", m)
		}
	}
	list := protobufChanges(prev[len(prev)-1].Schema, next, legacy)
	return b.String(), strings.Join(list, "\n") + "\n", next.Canonical()
}
