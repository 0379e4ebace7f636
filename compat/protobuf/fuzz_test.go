package protobuf_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
)

// FuzzParseProtobuf feeds arbitrary text to the Protobuf parser. Invariants:
//
//   - Parse never panics and returns promptly; failures are *ParseError.
//   - A parsed schema is compatible with itself under FULL_TRANSITIVE, with the current and
//     the legacy oneof rules.
//   - Canonical text is a fixed point: parsing it again gives the same canonical text, and
//     the same holds for the normalised form.
func FuzzParseProtobuf(f *testing.F) {
	for _, s := range protobufFuzzSeeds(f) {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, normalize bool) {
		s, err := compat.Parse(compat.TypeProtobuf, text, nil, compat.ParseOptions{New: true, Normalize: normalize})
		if err != nil {
			if _, ok := err.(*compat.ParseError); !ok {
				t.Fatalf("Parse error %T is not a *ParseError", err)
			}
			return
		}
		for _, legacy := range []bool{false, true} {
			res := compattest.Checked(s, []compat.Previous{{Schema: s, Version: 1}}, compat.CheckOptions{Level: compat.LevelFullTransitive, LegacyProtobufOneof: legacy})
			if !res.Compatible {
				t.Fatalf("schema incompatible with itself (legacy %v): %q\n%s", legacy, res.Messages, text)
			}
		}
		again, err := compat.Parse(compat.TypeProtobuf, s.Canonical(), nil, compat.ParseOptions{Normalize: normalize})
		if err != nil {
			t.Fatalf("canonical text does not parse: %v\n%s", err, s.Canonical())
		}
		if again.Canonical() != s.Canonical() {
			t.Fatalf("canonical text not stable:\n%s\n%s", s.Canonical(), again.Canonical())
		}
	})
}

// protobufFuzzSeeds collects every schema of the Protobuf golden files.
func protobufFuzzSeeds(f *testing.F) []string {
	seeds := []string{`syntax = "proto3"; message M { int32 a = 1; }`, ``, `syntax = "proto2";`}
	files, _ := filepath.Glob(filepath.Join("testdata", "compatibility", "*.txtar"))
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, fl := range ar.Files {
			if protobufVersionFile.MatchString(fl.Name) {
				seeds = append(seeds, string(fl.Data))
			}
		}
	}
	canon, _ := filepath.Glob(filepath.Join("testdata", "confluent-canonical", "*.txtar"))
	for _, file := range canon {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, fl := range ar.Files {
			seeds = append(seeds, string(fl.Data))
		}
	}
	return seeds
}
