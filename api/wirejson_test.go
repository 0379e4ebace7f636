package api

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
)

// encodingJSON is what writeJSON wrote before appendJSON: encoding/json without HTML
// escaping, without the trailing newline.
func encodingJSON(t testing.TB, v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

var trickyStrings = []string{
	"", `{"type":"string"}`, "quote \" backslash \\ slash /", "<html> & 'apos'",
	"\x00\x01\b\f\n\r\t\x1f\x7f", "é ü 日本 🎉", "\u2028 and \u2029", "bad \xff\xfe utf8 \xe2\x82",
	"\xed\xa0\x80 surrogate", "trailing \xc3",
}

// TestSchemaJSONAsEncodingJSON: appendJSON writes exactly the bytes encoding/json writes, for
// every combination of the fields it handles, and declines the entities it does not.
func TestSchemaJSONAsEncodingJSON(t *testing.T) {
	id, yes, no := 7, true, false
	for _, text := range trickyStrings {
		for _, s := range []schemaJSON{
			{Schema: text},
			{Subject: text, Version: 3, ID: &id, GUID: "0b1c-9", SchemaType: compat.TypeProtobuf, Schema: text, MaxID: 9, TS: 1700000000000, Deleted: &no},
			{Subject: "s", Version: -1, Schema: text, Deleted: &yes},
			{ID: &id, SchemaType: compat.SchemaType(text), Schema: "x", TS: -5},
			{References: []store.Reference{}, Aliases: []string{}, Schema: text},
		} {
			got, ok := s.appendJSON(nil)
			if want := encodingJSON(t, s); !ok || !bytes.Equal(got, want) {
				t.Errorf("appendJSON(%+v) = %s, %v; encoding/json: %s", s, got, ok, want)
			}
		}
	}
	for _, s := range []schemaJSON{
		{References: []store.Reference{{Name: "n", Subject: "s", Version: 1}}},
		{Metadata: &store.Metadata{}}, {RuleSet: &store.RuleSet{}}, {Aliases: []string{"a"}},
		{Associations: []store.Association{{}}},
	} {
		if got, ok := s.appendJSON(nil); ok || len(got) != 0 {
			t.Errorf("appendJSON(%+v) = %s, %v; want it left to encoding/json", s, got, ok)
		}
	}
}

func FuzzSchemaJSONString(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s := schemaJSON{Subject: text, Schema: text}
		if got, _ := s.appendJSON(nil); !bytes.Equal(got, encodingJSON(t, s)) {
			t.Errorf("appendJSON(%q) = %s, encoding/json %s", text, got, encodingJSON(t, s))
		}
	})
}
