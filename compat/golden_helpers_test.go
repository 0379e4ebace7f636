package compat

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// eachGolden runs fn as a subtest for every testdata/<dir>/*.txtar file.
func eachGolden(t *testing.T, dir string, fn func(t *testing.T, file string, ar *txtar.Archive)) {
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

// goldenVersions parses the v1.<ext>, v2.<ext>, ... sections of a case: the last is the new
// schema, parsed strictly as a registration is; the others are its previous versions, oldest
// first, parsed leniently as stored schemas are.
func goldenVersions(t *testing.T, ar *txtar.Archive, typ SchemaType, ext string, deps []Dependency) (*Schema, []Previous) {
	t.Helper()
	var texts []string
	for i := 1; ; i++ {
		text, ok := section(ar, fmt.Sprintf("v%d.%s", i, ext))
		if !ok {
			break
		}
		texts = append(texts, text)
	}
	if len(texts) < 2 {
		t.Fatalf("a case needs at least v1.%s and v2.%s", ext, ext)
	}
	var prev []Previous
	for i, text := range texts[:len(texts)-1] {
		s, err := Parse(typ, text, deps, ParseOptions{})
		if err != nil {
			t.Fatalf("v%d: %v", i+1, err)
		}
		prev = append(prev, Previous{Schema: s, Version: i + 1})
	}
	next, err := Parse(typ, texts[len(texts)-1], deps, ParseOptions{New: true})
	if err != nil {
		t.Fatalf("v%d: %v", len(texts), err)
	}
	return next, prev
}

// writeLevelResults prints the verdict and messages of the check under every level.
func writeLevelResults(b *strings.Builder, next *Schema, prev []Previous, opts CheckOptions) {
	for _, level := range allLevels {
		opts.Level = level
		res := checked(next, prev, opts)
		fmt.Fprintf(b, "%s: %s\n", level, verdictWord(res.Compatible))
		for _, m := range res.Messages {
			fmt.Fprintf(b, "  %s\n", m)
		}
	}
}

func verdictWord(compatible bool) string {
	if compatible {
		return "compatible"
	}
	return "incompatible"
}
