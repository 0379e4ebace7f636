package compat

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// TestProtobufConfluentCanonical checks the canonical and normalised text against the
// expectations of Confluent's own ProtobufSchemaTest (testdata/protobuf/confluent-canonical,
// copied verbatim: these are Confluent's outputs, not goldens, so -update does not touch them).
func TestProtobufConfluentCanonical(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "protobuf", "confluent-canonical", "*.txtar"))
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
				s, err := Parse(TypeProtobuf, input, nil, ParseOptions{Normalize: normalize})
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if diff := cmp.Diff(w, s.Canonical()); diff != "" {
					t.Errorf("%s (-confluent +accord):\n%s", name, diff)
				}
				again, err := Parse(TypeProtobuf, s.Canonical(), nil, ParseOptions{Normalize: normalize})
				if err != nil || again.Canonical() != s.Canonical() {
					t.Errorf("%s text is not a fixed point: %v", name, err)
				}
			}
		})
	}
}

// TestProtobufRuleTable checks the change-kind table against Confluent's
// SchemaDiff.COMPATIBLE_CHANGES and that every incompatible kind has a description.
func TestProtobufRuleTable(t *testing.T) {
	compatible := map[string]bool{}
	for _, k := range []string{"MESSAGE_ADDED", "MESSAGE_MOVED", "ENUM_ADDED", "ENUM_REMOVED",
		"ENUM_CONST_ADDED", "ENUM_CONST_CHANGED", "ENUM_CONST_REMOVED", "FIELD_ADDED", "FIELD_REMOVED",
		"FIELD_NAME_CHANGED", "FIELD_STRING_OR_BYTES_LABEL_CHANGED", "ONEOF_ADDED", "ONEOF_REMOVED",
		"ONEOF_FIELD_ADDED", "ONEOF_FIELD_MOVED_TO_TOP_LEVEL"} {
		compatible[k] = true
	}
	table := protobufRuleTable()
	if len(table) != 26 {
		t.Errorf("%d kinds, want Confluent's 26", len(table))
	}
	for _, r := range table {
		if r.compatible != compatible[r.kind] {
			t.Errorf("%s: compatible = %v", r.kind, r.compatible)
		}
		if !r.compatible && !strings.Contains(r.description, "'P'") {
			t.Errorf("%s: description %q has no path", r.kind, r.description)
		}
		if r.purpose == "" || r.reportedBy == nil {
			t.Errorf("%s: purpose or reporting function missing", r.kind)
		}
	}
}
