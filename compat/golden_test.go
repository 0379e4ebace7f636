package compat

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
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
	files, err := filepath.Glob(filepath.Join("testdata", "avro", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := runGoldenCase(t, ar)
			checkGolden(t, file, ar, "want", got)
		})
	}
}

func runGoldenCase(t *testing.T, ar *txtar.Archive) string {
	deps := goldenDeps(ar)
	var versions []string
	for i := 1; ; i++ {
		text, ok := section(ar, fmt.Sprintf("v%d.avsc", i))
		if !ok {
			break
		}
		versions = append(versions, text)
	}
	if len(versions) < 2 {
		t.Fatal("a case needs at least v1.avsc and v2.avsc")
	}
	var prev []Previous
	for i, text := range versions[:len(versions)-1] {
		s, err := Parse(TypeAvro, text, deps, ParseOptions{})
		if err != nil {
			t.Fatalf("v%d: %v", i+1, err)
		}
		prev = append(prev, Previous{Schema: s, Version: i + 1})
	}
	next, err := Parse(TypeAvro, versions[len(versions)-1], deps, ParseOptions{New: true})
	if err != nil {
		t.Fatalf("v%d: %v", len(versions), err)
	}
	var b strings.Builder
	for _, level := range allLevels {
		res := Check(next, prev, CheckOptions{Level: level})
		verdict := "compatible"
		if !res.Compatible {
			verdict = "incompatible"
		}
		fmt.Fprintf(&b, "%s: %s\n", level, verdict)
		for _, m := range res.Messages {
			fmt.Fprintf(&b, "  %s\n", m)
		}
	}
	return b.String()
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
