package protobuf_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/compat"
)

// TestProtobufTolerantCompile checks which schemas the tolerant compilation accepts: those
// failing only with unresolvable custom options or field number 0 (Confluent accepts them),
// and nothing else protoc refuses.
func TestProtobufTolerantCompile(t *testing.T) {
	const descriptor = "import \"google/protobuf/descriptor.proto\";\n"
	for _, c := range []struct {
		name, schema, wantErr string
		deps                  []compat.Dependency
	}{
		{name: "unknown file option", schema: "syntax = \"proto3\";\noption (my_option) = true;\n"},
		{name: "unknown option with a path", schema: "syntax = \"proto2\";\noption (a).b.c = 1;\nmessage M { optional int32 f = 1 [(x).y = \"z\"]; }\n"},
		{name: "unknown option in a reference", schema: "syntax = \"proto3\";\nimport \"dep.proto\";\nmessage M { D d = 1; }\n",
			deps: []compat.Dependency{{Name: "dep.proto", Type: compat.TypeProtobuf, Schema: "syntax = \"proto3\";\noption (dep_opt) = 1;\nmessage D { int32 x = 1 [(f_opt) = true]; }\n"}}},
		{name: "unknown extension in a known option's value (a known difference)", schema: "syntax = \"proto2\";\n" + descriptor +
			"message O { optional int32 a = 1; extensions 100 to 200; }\nextend google.protobuf.FileOptions { optional O o = 50000; }\noption (o) = { a: 1 [unknown.ext]: 2 };\n", wantErr: "unknown.ext"},
		{name: "field number 0", schema: "syntax = \"proto3\";\nmessage M { string f = 0; }\n"},
		{name: "map and group number 0", schema: "syntax = \"proto2\";\nmessage M { map<string, int32> m = 0; optional group G = 1 { optional int32 a = 0; } }\n"},
		{name: "unknown option and field number 0", schema: "syntax = \"proto3\";\nmessage M { option (m) = 1; string f = 0; }\n"},
		{name: "known option of the wrong type", schema: "syntax = \"proto2\";\n" + descriptor +
			"extend google.protobuf.FileOptions { optional bool flag = 50000; }\noption (flag) = \"yes\";\n", wantErr: "flag"},
		{name: "known option extending the wrong options", schema: "syntax = \"proto2\";\n" + descriptor +
			"extend google.protobuf.MessageOptions { optional bool flag = 50000; }\noption (flag) = true;\n", wantErr: "should extend"},
		{name: "unknown standard option", schema: "syntax = \"proto3\";\noption java_pakage = \"x\";\n", wantErr: "java_pakage"},
		{name: "unknown option beside a bad type", schema: "syntax = \"proto3\";\noption (my) = 1;\nmessage M { Missing m = 1; }\n", wantErr: "Missing"},
		{name: "duplicate number 0", schema: "syntax = \"proto3\";\nmessage M { string a = 0; string b = 0; }\n", wantErr: "same tag"},
		{name: "reserved range number", schema: "syntax = \"proto3\";\nmessage M { string a = 19000; }\n", wantErr: "19000"},
		{name: "import cycle", schema: "syntax = \"proto3\";\nimport \"a.proto\";\noption (x) = 1;\n",
			deps: []compat.Dependency{{Name: "a.proto", Type: compat.TypeProtobuf, Schema: "syntax = \"proto3\";\nimport \"a.proto\";\n"}}, wantErr: "cycle"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := compat.Parse(compat.TypeProtobuf, c.schema, c.deps, compat.ParseOptions{New: true})
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.wantErr != "" && err == nil:
				t.Fatalf("accepted, want an error with %q", c.wantErr)
			case c.wantErr != "" && !strings.Contains(err.Error(), c.wantErr):
				t.Fatalf("error %q, want one with %q", err, c.wantErr)
			}
		})
	}
}

// TestProtobufUnknownOptionsNormalized checks the normalised text of options that cannot be
// resolved: kept under their written names and sorted with the others by name, their values
// normalised as Confluent's FormatContext prints any option value (map keys sorted, empty
// lists dropped, one-element lists unwrapped).
func TestProtobufUnknownOptionsNormalized(t *testing.T) {
	schema := `syntax = "proto3";
package p;
import "google/protobuf/descriptor.proto";
extend google.protobuf.MessageOptions { optional int32 known = 50001; }
option (z_opt) = true;
option java_package = "x";
option (a_opt).b.c = "s";
message M {
  option (known) = 3;
  option (m_opt) = { b: "x" a: 1 c: [] d: [5] };
  string f = 1 [(f_opt) = "x", deprecated = true];
}
`
	want := `package p;

import "google/protobuf/descriptor.proto";

option (a_opt).b.c = "s";
option java_package = "x";
option (z_opt) = true;

message M {
  option (m_opt) = {
    a: 1,
    b: "x",
    d: 5
  };
  option (p.known) = 3;

  string f = 1 [
    deprecated = true,
    (f_opt) = "x"
  ];
}

extend .google.protobuf.MessageOptions {
  optional int32 known = 50001;
}
`
	s, err := compat.Parse(compat.TypeProtobuf, schema, nil, compat.ParseOptions{New: true, Normalize: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("syntax = \"proto3\";\n"+want, s.Canonical()); diff != "" {
		t.Errorf("normalised (-want +got):\n%s", diff)
	}
}
