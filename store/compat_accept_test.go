package store_test

import (
	"context"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// TestRegisterSchemasConfluentAccepts registers schemas Confluent accepts and protoc or the
// JSON Schema meta-schema refuse (custom options without a declared extension, field number
// 0, repeated type names, reference cycles, "#/..." pointers inside an $id subschema), checks
// the text stored and answered is Confluent's canonical text, that a compatible next version
// registers (the check terminates), and that everything loads again from the log.
func TestRegisterSchemasConfluentAccepts(t *testing.T) {
	cases := []struct {
		subject   string
		typ       compat.SchemaType
		schema    string
		normalize bool
		want      string // the stored text
		next      string // a compatible next version under BACKWARD, "" for none
	}{
		{subject: "pb-options", typ: compat.TypeProtobuf,
			schema: "syntax = \"proto3\";\noption (my_option) = true;\nmessage M {\n  option (m_opt) = { b: 1 a: 2 };\n  string f = 1 [(f_opt) = \"x\"];\n  oneof o {\n    option (o_opt) = true;\n    int32 x = 2;\n  }\n}\n",
			want:   "syntax = \"proto3\";\n\noption (my_option) = true;\n\nmessage M {\n  option (m_opt) = {\n    b: 1,\n    a: 2\n  };\n\n  string f = 1 [(f_opt) = \"x\"];\n\n  oneof o {\n    option (o_opt) = true;\n  \n    int32 x = 2;\n  }\n}\n",
			next:   "syntax = \"proto3\";\noption (my_option) = true;\nmessage M {\n  string f = 1 [(f_opt) = \"y\"];\n  int32 x = 2;\n}\n"},
		{subject: "pb-options-normalized", typ: compat.TypeProtobuf, normalize: true,
			schema: "syntax = \"proto3\";\noption (z) = 1;\noption (a).b = 2;\nmessage M { option (m) = { b: 1 a: 2 }; }\n",
			want:   "syntax = \"proto3\";\n\noption (a).b = 2;\noption (z) = 1;\n\nmessage M {\n  option (m) = {\n    a: 2,\n    b: 1\n  };\n}\n"},
		{subject: "pb-zero", typ: compat.TypeProtobuf,
			schema: "syntax = \"proto3\";\nmessage M { string f = 0; }\n",
			want:   "syntax = \"proto3\";\n\nmessage M {\n  string f = 0;\n}\n",
			next:   "syntax = \"proto3\";\nmessage M { string f = 0; string g = 1; }\n"},
		{subject: "json-type-repeated", typ: compat.TypeJSON,
			schema: `{"type": ["string", "null", "string"]}`, want: `{"type":["string","null","string"]}`,
			next: `{"type":["string","null"]}`},
		{subject: "json-self", typ: compat.TypeJSON, schema: `{"$ref": "#"}`, want: `{"$ref":"#"}`, next: `{}`},
		{subject: "json-cycle", typ: compat.TypeJSON,
			schema: `{"anyOf": [{"$ref": "#"}, {"type": "integer"}]}`, want: `{"anyOf":[{"$ref":"#"},{"type":"integer"}]}`,
			next: `{"anyOf":[{"$ref":"#"},{"type":"integer"},{"type":"string"}]}`},
		{subject: "json-id-pointer", typ: compat.TypeJSON,
			schema: `{"definitions":{"x":{"type":"integer"}},"properties":{"a":{"$id":"http://example.com/a.json","properties":{"b":{"$ref":"#/definitions/x"}}}}}`,
			want:   `{"definitions":{"x":{"type":"integer"}},"properties":{"a":{"$id":"http://example.com/a.json","properties":{"b":{"$ref":"#/definitions/x"}}}}}`,
			next:   `{"definitions":{"x":{"type":"number"}},"properties":{"a":{"$id":"http://example.com/a.json","properties":{"b":{"$ref":"#/definitions/x"}}}}}`},
	}
	dir := t.TempDir()
	ctx := context.Background()
	ids := map[string]int{}
	func() {
		fl, err := filelog.Open(dir, filelog.Config{})
		if err != nil {
			t.Fatal(err)
		}
		defer fl.Close()
		st, err := store.Open(ctx, store.Config{Log: fl, DefaultLevel: compat.LevelBackward})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			s, err := st.Register(ctx, c.subject, store.SchemaRequest{Schema: c.schema, Type: c.typ, ID: -1}, c.normalize)
			if err != nil {
				t.Fatalf("%s: %v", c.subject, err)
			}
			ids[c.subject] = s.ID
			got, err := st.SchemaByID(ctx, s.ID, "", false)
			if err != nil || got.Text != c.want {
				t.Errorf("%s: stored %q (%v), want %q", c.subject, got.Text, err, c.want)
			}
			if c.next != "" {
				if _, err := st.Register(ctx, c.subject, store.SchemaRequest{Schema: c.next, Type: c.typ, ID: -1}, c.normalize); err != nil {
					t.Errorf("%s: next version: %v", c.subject, err)
				}
			}
		}
	}()
	fl, err := filelog.Open(dir, filelog.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer fl.Close()
	st, err := store.Open(ctx, store.Config{Log: fl, DefaultLevel: compat.LevelBackward})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		got, err := st.Version(ctx, c.subject, 1, false)
		if err != nil || got.Text != c.want || got.ID != ids[c.subject] {
			t.Errorf("%s after reopening: %q id %d (%v), want %q id %d", c.subject, got.Text, got.ID, err, c.want, ids[c.subject])
		}
	}
}
