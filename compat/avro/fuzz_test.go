package avro_test

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
)

// FuzzParseAvro feeds arbitrary text to the Avro parser. Invariants:
//
//   - Parse never panics and returns promptly (nesting is bounded by the
//     JSON decoder, recursion by node identity).
//   - A parsed schema is compatible with itself under FULL_TRANSITIVE, except
//     where Avro Java itself throws (a reader field whose name and alias both
//     match writer fields), which Confluent reports as an exception message.
//   - Canonical text is a fixed point: parsing it again gives the same
//     canonical text, and so does the normalised form.
func FuzzParseAvro(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, isNew bool) {
		s, err := compat.Parse(compat.TypeAvro, text, nil, compat.ParseOptions{New: isNew})
		if err != nil {
			if _, ok := err.(*compat.ParseError); !ok {
				t.Fatalf("Parse error %T is not a *ParseError", err)
			}
			return
		}
		res := compattest.Checked(s, []compat.Previous{{Schema: s, Version: 1}}, compat.CheckOptions{Level: compat.LevelFullTransitive})
		if !res.Compatible && !strings.Contains(res.Messages[0], "Unexpected exception during compatibility check") {
			t.Fatalf("schema incompatible with itself: %q\n%s", res.Messages, text)
		}
		again, err := compat.Parse(compat.TypeAvro, s.Canonical(), nil, compat.ParseOptions{})
		if err != nil {
			t.Fatalf("canonical text does not parse: %v\n%s", err, s.Canonical())
		}
		if again.Canonical() != s.Canonical() {
			t.Fatalf("canonical text not stable:\n%s\n%s", s.Canonical(), again.Canonical())
		}
		norm, err := compat.Parse(compat.TypeAvro, text, nil, compat.ParseOptions{New: isNew, Normalize: true})
		if err != nil {
			return // normalising can fail where Confluent's normaliser throws
		}
		again, err = compat.Parse(compat.TypeAvro, norm.Canonical(), nil, compat.ParseOptions{Normalize: true})
		if err != nil || again.Canonical() != norm.Canonical() {
			t.Fatalf("normalised text not stable: %v\n%s", err, norm.Canonical())
		}
	})
}

// fuzzSeeds collects every schema in the golden test data.
func fuzzSeeds(f testing.TB) []string {
	seeds := []string{`"string"`, `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`, `[]`}
	for _, dir := range []string{"compatibility", "canonical"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.txtar"))
		for _, file := range files {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				f.Fatal(err)
			}
			for _, fl := range ar.Files {
				if strings.HasSuffix(fl.Name, ".avsc") {
					seeds = append(seeds, strings.TrimSpace(string(fl.Data)))
				}
			}
		}
	}
	return seeds
}
