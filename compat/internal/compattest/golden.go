package compattest

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

	"github.com/accord-registry/accord/compat"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// allLevels are the levels each golden compatibility case is run under.
var allLevels = []compat.Level{compat.LevelBackward, compat.LevelBackwardTransitive, compat.LevelForward,
	compat.LevelForwardTransitive, compat.LevelFull, compat.LevelFullTransitive, compat.LevelNone}

// EachGolden runs fn as a subtest for every testdata/<dir>/*.txtar file.
func EachGolden(t *testing.T, dir string, fn func(t *testing.T, file string, ar *txtar.Archive)) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files in testdata/%s: %v", dir, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fn(t, file, ar)
		})
	}
}

// Versions parses the v1.<ext>, v2.<ext>, ... sections of a case: the last is the new
// schema, parsed strictly as a registration is; the others are its previous versions, oldest
// first, parsed leniently as stored schemas are.
func Versions(t *testing.T, ar *txtar.Archive, typ compat.SchemaType, ext string, deps []compat.Dependency) (*compat.Schema, []compat.Previous) {
	t.Helper()
	var texts []string
	for i := 1; ; i++ {
		text, ok := Section(ar, fmt.Sprintf("v%d.%s", i, ext))
		if !ok {
			break
		}
		texts = append(texts, text)
	}
	if len(texts) < 2 {
		t.Fatalf("a case needs at least v1.%s and v2.%s", ext, ext)
	}
	var prev []compat.Previous
	for i, text := range texts[:len(texts)-1] {
		s, err := compat.Parse(typ, text, deps, compat.ParseOptions{})
		if err != nil {
			t.Fatalf("v%d: %v", i+1, err)
		}
		prev = append(prev, compat.Previous{Schema: s, Version: i + 1})
	}
	next, err := compat.Parse(typ, texts[len(texts)-1], deps, compat.ParseOptions{New: true})
	if err != nil {
		t.Fatalf("v%d: %v", len(texts), err)
	}
	return next, prev
}

// WriteLevelResults prints the verdict and messages of the check under every level.
func WriteLevelResults(b *strings.Builder, next *compat.Schema, prev []compat.Previous, opts compat.CheckOptions) {
	for _, level := range allLevels {
		opts.Level = level
		res := Checked(next, prev, opts)
		fmt.Fprintf(b, "%s: %s\n", level, VerdictWord(res.Compatible))
		for _, m := range res.Messages {
			fmt.Fprintf(b, "  %s\n", m)
		}
	}
}

// VerdictWord is how the golden files write a verdict.
func VerdictWord(compatible bool) string {
	if compatible {
		return "compatible"
	}
	return "incompatible"
}

// Section returns the named section of a case, trimmed.
func Section(ar *txtar.Archive, name string) (string, bool) {
	for _, f := range ar.Files {
		if f.Name == name {
			return strings.TrimSpace(string(f.Data)), true
		}
	}
	return "", false
}

// CheckGolden compares got with the named section, or rewrites it with
// -update (sections are kept in order, the golden one last).
func CheckGolden(t *testing.T, file string, ar *txtar.Archive, name, got string) {
	t.Helper()
	if *update {
		setSection(ar, name, got)
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, _ := Section(ar, name)
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
