package compat

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSupportedTypes(t *testing.T) {
	t.Parallel()
	for _, name := range []SchemaType{"avro", "Avro", "json", "protobuf", "XML", ""} {
		if Supported(name) {
			t.Errorf("Supported(%q) = true; names are exact upper case, as in Confluent", name)
		}
	}
	if got := SupportedTypes(); !cmp.Equal(got, []SchemaType{TypeJSON, TypeProtobuf, TypeAvro}) {
		t.Errorf("SupportedTypes() = %v, want Confluent's order JSON, PROTOBUF, AVRO", got)
	}
	if !Supported(TypeJSON) || !Supported(TypeProtobuf) || !Supported(TypeAvro) || Supported("XML") {
		t.Error("Supported: want AVRO, JSON and PROTOBUF and nothing else")
	}
}

func TestLevel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Level
		ok   bool
	}{
		{"NONE", LevelNone, true}, {"backward", LevelBackward, true}, {"full_transitive", LevelFullTransitive, true},
		{"Forward_Transitive", LevelForwardTransitive, true}, {"", 0, false}, {"FULLTRANSITIVE", 0, false},
	} {
		got, ok := ParseLevel(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseLevel(%q) = %v, %v, want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	type cfg struct {
		Level *Level `json:"compatibilityLevel,omitempty"`
	}
	var c cfg
	if err := json.Unmarshal([]byte(`{"compatibilityLevel":"backward_transitive"}`), &c); err != nil || *c.Level != LevelBackwardTransitive {
		t.Fatalf("unmarshal: %v %v", err, c.Level)
	}
	out, err := json.Marshal(c)
	if err != nil || string(out) != `{"compatibilityLevel":"BACKWARD_TRANSITIVE"}` {
		t.Errorf("marshal = %s, %v", out, err)
	}
	if _, err := Level(0).MarshalText(); err == nil {
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
		opts       ParseOptions
		want       string
	}{
		{"malformed JSON", `{"type":`, ParseOptions{}, "invalid JSON"},
		{"empty", ``, ParseOptions{}, "Cannot parse <null> schema"},
		{"invalid UTF-8", "\"\xff\"", ParseOptions{}, "not valid UTF-8"},
		{"unknown type", `{"type":"record","name":"R","fields":[{"name":"a","type":"Foo"}]}`, ParseOptions{}, "Undefined schema: Foo"},
		{"invalid default", `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}`, ParseOptions{New: true}, "Invalid default for field a"},
		{"duplicate field", `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]}`, ParseOptions{}, "Duplicate field a"},
		{"bad name", `{"type":"record","name":"a-b","fields":[]}`, ParseOptions{New: true}, "Illegal character in: a-b"},
		{"bad stored name", `{"type":"record","name":"a-b","fields":[]}`, ParseOptions{}, "Illegal character in: a-b"},
		{"too deep", strings.Repeat("[", 1001) + strings.Repeat("]", 1001), ParseOptions{}, "nesting depth"},
	} {
		_, err := Parse(TypeAvro, tc.text, nil, ParseOptions(tc.opts))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Type != TypeAvro || !strings.Contains(pe.Error(), tc.want) {
			t.Errorf("%s: Parse error = %v, want a *ParseError containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := Parse("XML", `<schema/>`, nil, ParseOptions{}); err == nil {
		t.Error("XML must be refused")
	}
}

// TestParseLenientDefaults: stored schemas keep invalid defaults (Confluent
// parses them without default validation).
func TestParseLenientDefaults(t *testing.T) {
	t.Parallel()
	text := `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}`
	s, err := Parse(TypeAvro, text, nil, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}`; s.Canonical() != want {
		t.Errorf("Canonical() = %s", s.Canonical())
	}
}

// hostileAvro returns inputs built to make a parser or checker slow or deep: deep nesting
// (refused past the depth limit), and records, enums and objects 20,000 wide.
func hostileAvro() map[string]string {
	var fields, symbols, keys []string
	for i := range 20000 {
		fields = append(fields, fmt.Sprintf(`{"name":"f%d","type":"int","aliases":["g%d"]}`, i, i))
		symbols = append(symbols, fmt.Sprintf(`"S%d"`, i))
		keys = append(keys, fmt.Sprintf(`"k%d":%d`, i, i))
	}
	return map[string]string{
		"deep arrays":  strings.Repeat(`{"type":"array","items":`, 10000) + `"int"` + strings.Repeat("}", 10000),
		"deep records": strings.Repeat(`{"type":"record","name":"R","fields":[{"name":"f","type":`, 10000),
		"wide record":  `{"type":"record","name":"R","fields":[` + strings.Join(fields, ",") + `]}`,
		"many symbols": `{"type":"enum","name":"E","symbols":[` + strings.Join(symbols, ",") + `]}`,
		"many keys":    `{"type":"int",` + strings.Join(keys, ",") + `}`,
		"deep ok":      strings.Repeat(`{"type":"array","items":`, 499) + `"int"` + strings.Repeat("}", 499),
	}
}

// TestParseHostile: hostile inputs parse or fail without a crash, and what parses checks
// against itself within the default step budget (checked panics past it). How fast is
// BenchmarkParseHostile's question, not a test's: a wall clock here would fail on a busy
// machine.
func TestParseHostile(t *testing.T) {
	t.Parallel()
	for name, text := range hostileAvro() {
		s, err := Parse(TypeAvro, text, nil, ParseOptions{New: true})
		if err == nil {
			if res := checked(s, []Previous{{Schema: s}}, CheckOptions{Level: LevelFull}); !res.Compatible {
				t.Errorf("%s is not compatible with itself: %v", name, res.Messages)
			}
		}
		if wantErr := strings.HasPrefix(name, "deep") && name != "deep ok"; (err != nil) != wantErr {
			t.Errorf("%s: Parse error = %v, want an error: %v", name, err, wantErr)
		}
	}
}

// BenchmarkParseHostile parses and self-checks each hostile input.
func BenchmarkParseHostile(b *testing.B) {
	for name, text := range hostileAvro() {
		b.Run(strings.ReplaceAll(name, " ", "-"), func(b *testing.B) {
			for b.Loop() {
				if s, err := Parse(TypeAvro, text, nil, ParseOptions{New: true}); err == nil {
					checked(s, []Previous{{Schema: s}}, CheckOptions{Level: LevelFull})
				}
			}
		})
	}
}

func TestCheckSemantics(t *testing.T) {
	t.Parallel()
	v1 := mustParse(t, `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`, ParseOptions{})
	v2 := mustParse(t, `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}`, ParseOptions{})
	other, err := Parse(TypeJSON, `{}`, nil, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	missing := "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path '/fields/1' in the %s schema has no default value and is missing in the %s schema', additionalInfo:'b'}"
	old := "{oldSchema: '" + v1.Canonical() + "'}"
	for _, tc := range []struct {
		name string
		next *Schema
		prev []Previous
		opts CheckOptions
		want []string
	}{
		{"none", v2, []Previous{{Schema: v1}}, CheckOptions{Level: LevelNone}, []string{}},
		{"no previous", v2, nil, CheckOptions{Level: LevelFull}, []string{}},
		{"backward", v2, []Previous{{Schema: v1, Version: 3}}, CheckOptions{Level: LevelBackward},
			[]string{fmt.Sprintf(missing, "new", "old"), "{oldSchemaVersion: 3}", old, "{validateFields: 'false', compatibility: 'BACKWARD'}"}},
		{"unknown version", v2, []Previous{{Schema: v1}}, CheckOptions{Level: LevelBackward, ValidateFields: true},
			[]string{fmt.Sprintf(missing, "new", "old"), old, "{validateFields: 'true', compatibility: 'BACKWARD'}"}},
		{"forward", v1, []Previous{{Schema: v2, Version: 1}}, CheckOptions{Level: LevelForward},
			[]string{fmt.Sprintf(missing, "old", "new"), "{oldSchemaVersion: 1}", "{oldSchema: '" + v2.Canonical() + "'}", "{validateFields: 'false', compatibility: 'FORWARD'}"}},
		{"full, forward side only", v1, []Previous{{Schema: v2, Version: 1}}, CheckOptions{Level: LevelFull},
			[]string{fmt.Sprintf(missing, "old", "new"), "{validateFields: 'false', compatibility: 'FULL'}"}},
		{"different type", v2, []Previous{{Schema: other, Version: 1}}, CheckOptions{Level: LevelBackward},
			[]string{differentSchemaType, "{validateFields: 'false', compatibility: 'BACKWARD'}"}},
		{"latest only", v2, []Previous{{Schema: other}, {Schema: v2}}, CheckOptions{Level: LevelBackward}, []string{}},
	} {
		got := checked(tc.next, tc.prev, tc.opts)
		if got.Compatible != (len(tc.want) == 0) || got.Messages == nil {
			t.Errorf("%s: Compatible = %v, Messages nil = %v", tc.name, got.Compatible, got.Messages == nil)
		}
		if diff := cmp.Diff(tc.want, got.Messages); diff != "" {
			t.Errorf("%s: messages (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestOldSchemaTruncation(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", maxOldSchemaLength+5)
	got := oldSchemaEntry(long)
	want := "{oldSchema: <truncated> '" + strings.Repeat("é", maxOldSchemaLength) + "...'}"
	if got != want {
		t.Errorf("oldSchemaEntry: got %d bytes", len(got))
	}
	if got := oldSchemaEntry("x"); got != "{oldSchema: 'x'}" {
		t.Errorf("oldSchemaEntry(x) = %s", got)
	}
}

func TestJavaFormat(t *testing.T) {
	t.Parallel()
	if got := javaFormat("%s reads %s, 100%% %n%d", "new", "old"); got != "new reads old, 100% \n%d" {
		t.Errorf("javaFormat = %q", got)
	}
}

// TestRuleTable keeps the rule table honest: unique IDs, a purpose each.
func TestRuleTable(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, r := range avroRuleTable() {
		if seen[r.id] || r.purpose == "" || r.applies == nil || r.check == nil {
			t.Errorf("rule %q: duplicate or incomplete", r.id)
		}
		seen[r.id] = true
	}
}

func TestResolvedInlinesReferences(t *testing.T) {
	t.Parallel()
	deps := []Dependency{{Name: "com.x.Id", Type: TypeAvro, Schema: `{"type":"fixed","name":"Id","namespace":"com.x","size":16}`}}
	s, err := Parse(TypeAvro, `{"type":"record","name":"R","namespace":"com.x","fields":[{"name":"id","type":"Id"}]}`, deps, ParseOptions{New: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"record","name":"R","namespace":"com.x","fields":[{"name":"id","type":"Id"}]}`; s.Canonical() != want {
		t.Errorf("Canonical() = %s", s.Canonical())
	}
	if want := `{"type":"record","name":"R","namespace":"com.x","fields":[{"name":"id","type":{"type":"fixed","name":"Id","size":16}}]}`; resolved(s) != want {
		t.Errorf("Format(resolved) = %s", resolved(s))
	}
	if _, err := Parse(TypeAvro, `{"type":"record","name":"R","fields":[{"name":"id","type":"com.x.Id"}]}`, nil, ParseOptions{}); err == nil {
		t.Error("a reference without its dependency must not parse")
	}
}

// resolved is the schema's text in Confluent's format=resolved.
func resolved(s *Schema) string {
	text, _ := s.Format("resolved")
	return text
}
