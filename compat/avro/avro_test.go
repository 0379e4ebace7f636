package avro_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
)

// TestParseLenientDefaults: stored schemas keep invalid defaults (Confluent
// parses them without default validation).
func TestParseLenientDefaults(t *testing.T) {
	t.Parallel()
	text := `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}`
	s, err := compat.Parse(compat.TypeAvro, text, nil, compat.ParseOptions{})
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
		s, err := compat.Parse(compat.TypeAvro, text, nil, compat.ParseOptions{New: true})
		if err == nil {
			if res := compattest.Checked(s, []compat.Previous{{Schema: s}}, compat.CheckOptions{Level: compat.LevelFull}); !res.Compatible {
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
				if s, err := compat.Parse(compat.TypeAvro, text, nil, compat.ParseOptions{New: true}); err == nil {
					compattest.Checked(s, []compat.Previous{{Schema: s}}, compat.CheckOptions{Level: compat.LevelFull})
				}
			}
		})
	}
}

func TestResolvedInlinesReferences(t *testing.T) {
	t.Parallel()
	deps := []compat.Dependency{{Name: "com.x.Id", Type: compat.TypeAvro, Schema: `{"type":"fixed","name":"Id","namespace":"com.x","size":16}`}}
	s, err := compat.Parse(compat.TypeAvro, `{"type":"record","name":"R","namespace":"com.x","fields":[{"name":"id","type":"Id"}]}`, deps, compat.ParseOptions{New: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"record","name":"R","namespace":"com.x","fields":[{"name":"id","type":"Id"}]}`; s.Canonical() != want {
		t.Errorf("Canonical() = %s", s.Canonical())
	}
	if want := `{"type":"record","name":"R","namespace":"com.x","fields":[{"name":"id","type":{"type":"fixed","name":"Id","size":16}}]}`; resolved(s) != want {
		t.Errorf("Format(resolved) = %s", resolved(s))
	}
	if _, err := compat.Parse(compat.TypeAvro, `{"type":"record","name":"R","fields":[{"name":"id","type":"com.x.Id"}]}`, nil, compat.ParseOptions{}); err == nil {
		t.Error("a reference without its dependency must not parse")
	}
}

// resolved is the schema's text in Confluent's format=resolved.
func resolved(s *compat.Schema) string {
	text, _ := s.Format("resolved")
	return text
}
