package compat

import (
	"flag"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// allLevels are the levels each golden compatibility case is run under.
var allLevels = []Level{LevelBackward, LevelBackwardTransitive, LevelForward, LevelForwardTransitive,
	LevelFull, LevelFullTransitive, LevelNone}

// TestGoldenAvro runs testdata/avro/*.txtar. Each case holds schema versions
// v1.avsc, v2.avsc, ... (the last one is the new schema, the others its
// previous versions, oldest first), optional ref*.avsc dependencies shared
// by all versions, and a want section with the verdict and messages for
// every level.
func TestGoldenAvro(t *testing.T) {
	eachGolden(t, "avro", func(t *testing.T, file string, ar *txtar.Archive) {
		next, prev := goldenVersions(t, ar, TypeAvro, "avsc", goldenDeps(ar))
		var b strings.Builder
		writeLevelResults(&b, next, prev, CheckOptions{})
		checkGolden(t, file, ar, "want", b.String())
	})
}

func goldenDeps(ar *txtar.Archive) []Dependency {
	var deps []Dependency
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "ref") && strings.HasSuffix(f.Name, ".avsc") {
			deps = append(deps, Dependency{Name: f.Name, Type: TypeAvro, Schema: strings.TrimSpace(string(f.Data))})
		}
	}
	return deps
}

func section(ar *txtar.Archive, name string) (string, bool) {
	for _, f := range ar.Files {
		if f.Name == name {
			return strings.TrimSpace(string(f.Data)), true
		}
	}
	return "", false
}

// checkGolden compares got with the named section, or rewrites it with
// -update (sections are kept in order, the golden one last).
func checkGolden(t *testing.T, file string, ar *txtar.Archive, name, got string) {
	t.Helper()
	if *update {
		setSection(ar, name, got)
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, _ := section(ar, name)
	if diff := cmp.Diff(strings.TrimSpace(want), strings.TrimSpace(got)); diff != "" {
		t.Errorf("%s: section %s (-want +got):\n%s", file, name, diff)
	}
}

func setSection(ar *txtar.Archive, name, data string) {
	if !strings.HasSuffix(data, "\n") {
		data += "\n"
	}
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			ar.Files[i].Data = []byte(data)
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(data)})
	sort.SliceStable(ar.Files, func(i, j int) bool { return !isOutput(ar.Files[i].Name) && isOutput(ar.Files[j].Name) })
}

func isOutput(name string) bool { return !strings.HasSuffix(name, ".avsc") }
