package compat_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
)

func TestSupportedTypes(t *testing.T) {
	t.Parallel()
	for _, name := range []compat.SchemaType{"avro", "Avro", "json", "protobuf", "XML", ""} {
		if compat.Supported(name) {
			t.Errorf("Supported(%q) = true; names are exact upper case, as in Confluent", name)
		}
	}
	if got := compat.SupportedTypes(); !cmp.Equal(got, []compat.SchemaType{compat.TypeJSON, compat.TypeProtobuf, compat.TypeAvro}) {
		t.Errorf("SupportedTypes() = %v, want Confluent's order JSON, PROTOBUF, AVRO", got)
	}
	if !compat.Supported(compat.TypeJSON) || !compat.Supported(compat.TypeProtobuf) || !compat.Supported(compat.TypeAvro) || compat.Supported("XML") {
		t.Error("Supported: want AVRO, JSON and PROTOBUF and nothing else")
	}
}

func TestLevel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want compat.Level
		ok   bool
	}{
		{"NONE", compat.LevelNone, true}, {"backward", compat.LevelBackward, true}, {"full_transitive", compat.LevelFullTransitive, true},
		{"Forward_Transitive", compat.LevelForwardTransitive, true}, {"", 0, false}, {"FULLTRANSITIVE", 0, false},
	} {
		got, ok := compat.ParseLevel(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseLevel(%q) = %v, %v, want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	type cfg struct {
		Level *compat.Level `json:"compatibilityLevel,omitempty"`
	}
	var c cfg
	if err := json.Unmarshal([]byte(`{"compatibilityLevel":"backward_transitive"}`), &c); err != nil || *c.Level != compat.LevelBackwardTransitive {
		t.Fatalf("unmarshal: %v %v", err, c.Level)
	}
	out, err := json.Marshal(c)
	if err != nil || string(out) != `{"compatibilityLevel":"BACKWARD_TRANSITIVE"}` {
		t.Errorf("marshal = %s, %v", out, err)
	}
	if _, err := compat.Level(0).MarshalText(); err == nil {
		t.Error("the zero Level must not marshal")
	}
	if err := json.Unmarshal([]byte(`{"compatibilityLevel":"SOMETIMES"}`), &c); err == nil {
		t.Error("unknown level must not unmarshal")
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, text string
		opts       compat.ParseOptions
		want       string
	}{
		{"malformed JSON", `{"type":`, compat.ParseOptions{}, "invalid JSON"},
		{"empty", ``, compat.ParseOptions{}, "Cannot parse <null> schema"},
		{"invalid UTF-8", "\"\xff\"", compat.ParseOptions{}, "not valid UTF-8"},
		{"unknown type", `{"type":"record","name":"R","fields":[{"name":"a","type":"Foo"}]}`, compat.ParseOptions{}, "Undefined schema: Foo"},
		{"invalid default", `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}`, compat.ParseOptions{New: true}, "Invalid default for field a"},
		{"duplicate field", `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]}`, compat.ParseOptions{}, "Duplicate field a"},
		{"bad name", `{"type":"record","name":"a-b","fields":[]}`, compat.ParseOptions{New: true}, "Illegal character in: a-b"},
		{"bad stored name", `{"type":"record","name":"a-b","fields":[]}`, compat.ParseOptions{}, "Illegal character in: a-b"},
		{"too deep", strings.Repeat("[", 1001) + strings.Repeat("]", 1001), compat.ParseOptions{}, "nesting depth"},
	} {
		_, err := compat.Parse(compat.TypeAvro, tc.text, nil, compat.ParseOptions(tc.opts))
		var pe *compat.ParseError
		if !errors.As(err, &pe) || pe.Type != compat.TypeAvro || !strings.Contains(pe.Error(), tc.want) {
			t.Errorf("%s: Parse error = %v, want a *ParseError containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := compat.Parse("XML", `<schema/>`, nil, compat.ParseOptions{}); err == nil {
		t.Error("XML must be refused")
	}
}

func TestCheckSemantics(t *testing.T) {
	t.Parallel()
	v1 := compattest.MustParse(t, compat.TypeAvro, `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`, compat.ParseOptions{})
	v2 := compattest.MustParse(t, compat.TypeAvro, `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}`, compat.ParseOptions{})
	other, err := compat.Parse(compat.TypeJSON, `{}`, nil, compat.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	missing := "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path '/fields/1' in the %s schema has no default value and is missing in the %s schema', additionalInfo:'b'}"
	old := "{oldSchema: '" + v1.Canonical() + "'}"
	for _, tc := range []struct {
		name string
		next *compat.Schema
		prev []compat.Previous
		opts compat.CheckOptions
		want []string
	}{
		{"none", v2, []compat.Previous{{Schema: v1}}, compat.CheckOptions{Level: compat.LevelNone}, []string{}},
		{"no previous", v2, nil, compat.CheckOptions{Level: compat.LevelFull}, []string{}},
		{"backward", v2, []compat.Previous{{Schema: v1, Version: 3}}, compat.CheckOptions{Level: compat.LevelBackward},
			[]string{fmt.Sprintf(missing, "new", "old"), "{oldSchemaVersion: 3}", old, "{validateFields: 'false', compatibility: 'BACKWARD'}"}},
		{"unknown version", v2, []compat.Previous{{Schema: v1}}, compat.CheckOptions{Level: compat.LevelBackward, ValidateFields: true},
			[]string{fmt.Sprintf(missing, "new", "old"), old, "{validateFields: 'true', compatibility: 'BACKWARD'}"}},
		{"forward", v1, []compat.Previous{{Schema: v2, Version: 1}}, compat.CheckOptions{Level: compat.LevelForward},
			[]string{fmt.Sprintf(missing, "old", "new"), "{oldSchemaVersion: 1}", "{oldSchema: '" + v2.Canonical() + "'}", "{validateFields: 'false', compatibility: 'FORWARD'}"}},
		{"full, forward side only", v1, []compat.Previous{{Schema: v2, Version: 1}}, compat.CheckOptions{Level: compat.LevelFull},
			[]string{fmt.Sprintf(missing, "old", "new"), "{validateFields: 'false', compatibility: 'FULL'}"}},
		{"different type", v2, []compat.Previous{{Schema: other, Version: 1}}, compat.CheckOptions{Level: compat.LevelBackward},
			[]string{"Incompatible because of different schema type", "{validateFields: 'false', compatibility: 'BACKWARD'}"}},
		{"latest only", v2, []compat.Previous{{Schema: other}, {Schema: v2}}, compat.CheckOptions{Level: compat.LevelBackward}, []string{}},
	} {
		got := compattest.Checked(tc.next, tc.prev, tc.opts)
		if got.Compatible != (len(tc.want) == 0) || got.Messages == nil {
			t.Errorf("%s: Compatible = %v, Messages nil = %v", tc.name, got.Compatible, got.Messages == nil)
		}
		if diff := cmp.Diff(tc.want, got.Messages); diff != "" {
			t.Errorf("%s: messages (-want +got):\n%s", tc.name, diff)
		}
	}
}
