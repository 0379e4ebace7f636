package protobuf_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/accord-registry/accord/compat"
)

// TestProtobufConfluentCanonical checks the canonical and normalised text against the
// expectations of Confluent's own ProtobufSchemaTest (testdata/confluent-canonical,
// copied verbatim: these are Confluent's outputs, not goldens, so -update does not touch them).
func TestProtobufConfluentCanonical(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "confluent-canonical", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var input string
			want := map[string]string{}
			for _, f := range ar.Files {
				switch f.Name {
				case "input.proto":
					input = string(f.Data)
				default:
					want[f.Name] = string(f.Data)
				}
			}
			for name, normalize := range map[string]bool{"canonical": false, "normalized": true} {
				w, ok := want[name]
				if !ok {
					continue
				}
				s, err := compat.Parse(compat.TypeProtobuf, input, nil, compat.ParseOptions{Normalize: normalize})
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if diff := cmp.Diff(w, s.Canonical()); diff != "" {
					t.Errorf("%s (-confluent +accord):\n%s", name, diff)
				}
				again, err := compat.Parse(compat.TypeProtobuf, s.Canonical(), nil, compat.ParseOptions{Normalize: normalize})
				if err != nil || again.Canonical() != s.Canonical() {
					t.Errorf("%s text is not a fixed point: %v", name, err)
				}
			}
		})
	}
}
