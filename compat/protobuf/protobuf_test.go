package protobuf_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
	"github.com/accord-registry/accord/compat/protobuf"
)

// hugeProto is a message with 100,000 fields.
func hugeProto() string {
	var sb strings.Builder
	sb.WriteString("syntax = \"proto3\";\nmessage Big {\n")
	for i := 1; i <= 100_000; i++ {
		n := i
		if n >= 19000 {
			n += 1000 // skip the reserved 19000-19999
		}
		fmt.Fprintf(&sb, "  int32 f%d = %d;\n", i, n)
	}
	sb.WriteString("}\n")
	return sb.String()
}

// TestProtobufHugeSchema checks that a message with 100,000 fields parses and checks
// against itself within the default step budget (checked panics past it).
// BenchmarkProtobufHugeSchema measures how long that takes.
func TestProtobufHugeSchema(t *testing.T) {
	s, err := compat.Parse(compat.TypeProtobuf, hugeProto(), nil, compat.ParseOptions{New: true})
	if err != nil {
		t.Fatal(err)
	}
	if res := compattest.Checked(s, []compat.Previous{{Schema: s, Version: 1}}, compat.CheckOptions{Level: compat.LevelFull}); !res.Compatible {
		t.Errorf("not compatible with itself: %v", res.Messages)
	}
}

func BenchmarkProtobufHugeSchema(b *testing.B) {
	text := hugeProto()
	for b.Loop() {
		s, err := compat.Parse(compat.TypeProtobuf, text, nil, compat.ParseOptions{New: true})
		if err != nil {
			b.Fatal(err)
		}
		compattest.Checked(s, []compat.Previous{{Schema: s, Version: 1}}, compat.CheckOptions{Level: compat.LevelFull})
	}
}

// TestProtobufDescriptorInput checks that a base64 FileDescriptorProto (what
// confluent-kafka for Python registers) is accepted as the same schema.
func TestProtobufDescriptorInput(t *testing.T) {
	text := `syntax = "proto3";
package acme;
import "google/protobuf/timestamp.proto";
message Order {
  string id = 1;
  map<string, int64> counts = 2;
  optional google.protobuf.Timestamp at = 3;
  oneof pay {
    string card = 4;
    Status status = 5;
  }
  repeated Line lines = 6;
  message Line { int32 qty = 1; }
}
enum Status { UNKNOWN = 0; PAID = 1; }
`
	s, err := compat.Parse(compat.TypeProtobuf, text, nil, compat.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ser, ok := s.Format("serialized")
	if !ok {
		t.Fatal("no serialized format")
	}
	d, err := compat.Parse(compat.TypeProtobuf, ser, nil, compat.ParseOptions{})
	if err != nil {
		t.Fatalf("Parse(serialized) = %v", err)
	}
	if got := protobuf.Changes(compattest.ProtobufModel(t, text, nil), compattest.ProtobufModel(t, ser, nil), false); len(got) != 0 {
		t.Errorf("descriptor input differs from text: %q\n%s", got, d.Canonical())
	}
	if res := compattest.Checked(d, []compat.Previous{{Schema: s}}, compat.CheckOptions{Level: compat.LevelFullTransitive}); !res.Compatible {
		t.Errorf("descriptor input incompatible with text: %q", res.Messages)
	}
}

// TestProtobufBundledImports checks the files Confluent resolves without references.
func TestProtobufBundledImports(t *testing.T) {
	text := `syntax = "proto3";
import "confluent/meta.proto";
import "confluent/type/decimal.proto";
import "confluent/type/variant.proto";
import "google/type/date.proto";
import "google/type/money.proto";
import "google/type/datetime.proto";
import "google/protobuf/timestamp.proto";
message M {
  confluent.type.Decimal d = 1;
  confluent.type.Variant v = 2;
  google.type.Date day = 3;
  google.type.Money price = 4;
  google.type.DateTime at = 5;
  google.protobuf.Timestamp ts = 6;
}
`
	if _, err := compat.Parse(compat.TypeProtobuf, text, nil, compat.ParseOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestProtobufParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		deps       []compat.Dependency
		want       string
	}{
		{"syntax", "syntax = \"proto3\";\nmessage M {\n  int32 a = ;\n}\n", nil, "schema.proto:3:13"},
		{"missing import", "syntax = \"proto3\";\nimport \"x.proto\";\n", nil, "x.proto"},
		{"reference type", "syntax = \"proto3\";\n", []compat.Dependency{{Name: "x.proto", Type: compat.TypeAvro, Schema: "{}"}}, "not PROTOBUF"},
	} {
		_, err := compat.Parse(compat.TypeProtobuf, tc.text, tc.deps, compat.ParseOptions{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Parse = %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

func TestProtobufFormatsAndFields(t *testing.T) {
	text := `syntax = "proto3";
import "google/protobuf/descriptor.proto";
import "confluent/meta.proto";
extend google.protobuf.FieldOptions { string tag = 50001; }
message M {
  string name = 1 [(tag) = "x", (confluent.field_meta).doc = "d"];
}
`
	s, err := compat.Parse(compat.TypeProtobuf, text, nil, compat.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ig, _ := s.Format("ignore_extensions")
	if strings.Contains(ig, "extend") || strings.Contains(ig, "(tag)") || !strings.Contains(ig, "(confluent.field_meta).doc") {
		t.Errorf("ignore_extensions =\n%s", ig)
	}
	if !s.HasTopLevelField("name") || s.HasTopLevelField("other") {
		t.Error("HasTopLevelField")
	}
	// As in Confluent: any top-level message counts, oneof members and nested messages do not.
	s, err = compat.Parse(compat.TypeProtobuf, `syntax = "proto3";
message A { int32 a = 1; message N { int32 nested = 1; } }
message B { int32 b = 1; oneof o { int32 member = 2; } }`, nil, compat.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"a": true, "b": true, "member": false, "nested": false} {
		if got := s.HasTopLevelField(name); got != want {
			t.Errorf("HasTopLevelField(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestProtobufDescriptorCustomOptions checks that custom options survive a base64
// FileDescriptorProto round trip when their extensions are imported.
func TestProtobufDescriptorCustomOptions(t *testing.T) {
	text := `syntax = "proto3";
import "confluent/meta.proto";
message DecimalValue {
  option (confluent.message_meta).doc = "message";
  bytes value = 1 [(confluent.field_meta) = { doc: "field", tags: ["a", "b"], params: [{ key: "precision", value: "8" }] }];
}
enum Status {
  option (confluent.enum_meta).doc = "enum";
  ACTIVE = 0;
}
`
	s, err := compat.Parse(compat.TypeProtobuf, text, nil, compat.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ser, _ := s.Format("serialized")
	d, err := compat.Parse(compat.TypeProtobuf, ser, nil, compat.ParseOptions{})
	if err != nil {
		t.Fatalf("Parse(serialized) = %v", err)
	}
	for _, want := range []string{`(confluent.message_meta) = {`, `doc: "field"`, `key: "precision"`, `(confluent.enum_meta) = {`} {
		if !strings.Contains(d.Canonical(), want) {
			t.Errorf("canonical text lacks %q:\n%s", want, d.Canonical())
		}
	}
}

// TestProtobufReferenceFanOut checks that a referenced type reached along exponentially
// many paths (Confluent re-diffs it at every field) is checked within the default step
// budget (checked panics past it), with the verdict intact and the change list bounded.
func TestProtobufReferenceFanOut(t *testing.T) {
	chain := func(last string) string {
		var sb strings.Builder
		sb.WriteString("syntax = \"proto3\";\npackage chain;\n")
		for i := 0; i < 40; i++ {
			fmt.Fprintf(&sb, "message M%d { M%d a = 1; M%d b = 2; }\n", i, i+1, i+1)
		}
		fmt.Fprintf(&sb, "message M40 { %s x = 1; }\n", last)
		return sb.String()
	}
	main := "syntax = \"proto3\";\nimport \"chain.proto\";\nmessage Root { chain.M0 m = 1; }\n"
	v1, err := compat.Parse(compat.TypeProtobuf, main, []compat.Dependency{{Name: "chain.proto", Type: compat.TypeProtobuf, Schema: chain("int32")}}, compat.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v2, err := compat.Parse(compat.TypeProtobuf, main, []compat.Dependency{{Name: "chain.proto", Type: compat.TypeProtobuf, Schema: chain("string")}}, compat.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res := compattest.Checked(v2, []compat.Previous{{Schema: v1, Version: 1}}, compat.CheckOptions{Level: compat.LevelFull})
	if res.Compatible || len(res.Messages) > 2*protobuf.MaxChanges+10 {
		t.Errorf("Check = %v with %d messages", res.Compatible, len(res.Messages))
	}
}
