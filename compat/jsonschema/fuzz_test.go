package jsonschema_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
)

// FuzzParseJSONSchema feeds arbitrary text to the JSON Schema parser. Invariants:
//
//   - Parse never panics and returns promptly (nesting is bounded, references are resolved
//     only among the document and its dependencies, the diff memoises pairs).
//   - A parsed schema is compatible with itself under FULL_TRANSITIVE.
//   - Canonical text is a fixed point: parsing it again gives the same canonical text, and
//     so does the normalised form.
func FuzzParseJSONSchema(f *testing.F) {
	for _, s := range jsonFuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := compat.Parse(compat.TypeJSON, text, nil, compat.ParseOptions{New: true})
		if err != nil {
			if _, ok := err.(*compat.ParseError); !ok {
				t.Fatalf("Parse error %T is not a *ParseError", err)
			}
			return
		}
		if res := compattest.Checked(s, []compat.Previous{{Schema: s, Version: 1}}, compat.CheckOptions{Level: compat.LevelFullTransitive}); !res.Compatible {
			t.Fatalf("schema incompatible with itself: %q\n%s", res.Messages, text)
		}
		again, err := compat.Parse(compat.TypeJSON, s.Canonical(), nil, compat.ParseOptions{})
		if err != nil {
			t.Fatalf("canonical text does not parse: %v\n%s", err, s.Canonical())
		}
		if again.Canonical() != s.Canonical() {
			t.Fatalf("canonical text not stable:\n%s\n%s", s.Canonical(), again.Canonical())
		}
		norm, err := compat.Parse(compat.TypeJSON, text, nil, compat.ParseOptions{Normalize: true})
		if err != nil {
			t.Fatalf("normalising fails where parsing does not: %v", err)
		}
		again, err = compat.Parse(compat.TypeJSON, norm.Canonical(), nil, compat.ParseOptions{Normalize: true})
		if err != nil || again.Canonical() != norm.Canonical() {
			t.Fatalf("normalised text not stable: %v\n%s", err, norm.Canonical())
		}
	})
}

// jsonFuzzSeeds collects the schemas of the golden test data.
func jsonFuzzSeeds(f *testing.F) []string {
	seeds := []string{`{}`, `true`, `false`, `{"type":"string","enum":["a"]}`,
		`{"$ref":"#/definitions/a","definitions":{"a":{"properties":{"b":{"$ref":"#/definitions/a"}}}}}`}
	files, _ := filepath.Glob(filepath.Join("testdata", "compatibility", "*.txtar"))
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for i := 1; ; i++ {
			text, ok := compattest.Section(ar, fmt.Sprintf("v%d.json", i))
			if !ok {
				break
			}
			if !strings.Contains(text, `"$ref":"address`) {
				seeds = append(seeds, text)
			}
		}
	}
	return seeds
}
