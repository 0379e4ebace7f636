package store

import (
	"testing"

	"github.com/accord-registry/accord/compat"
)

// TestLookupOfStoredTextParsesNothing: a lookup whose text is byte for byte a stored version's
// finds it without parsing (the parse caches stay empty), while a text that differs only in
// spacing is parsed and still found, and a text of another type is not taken for it.
func TestLookupOfStoredTextParsesNothing(t *testing.T) {
	const text = `{"type":"record","name":"R","fields":[{"name":"id","type":"long"}]}`
	st := applyAll(t, [4]any{"orders-value", 1, 7, text}, [4]any{"other-value", 1, 8, `"string"`})

	cand, err := st.candidate("orders-value", SchemaRequest{Type: compat.TypeAvro, Schema: text}, false, true)
	if err != nil {
		t.Fatal(err)
	}
	if v := st.match("orders-value", cand, isLive); v == nil || v.id != 7 {
		t.Fatalf("the stored text matched %v, want id 7", v)
	}
	if n := len(st.parses.entries); n != 0 {
		t.Errorf("looking up a stored text parsed %d schemas, want none", n)
	}

	spaced := `{"type": "record", "name": "R", "fields": [{"name": "id", "type": "long"}]}`
	cand, err = st.candidate("orders-value", SchemaRequest{Type: compat.TypeAvro, Schema: spaced}, false, true)
	if err != nil {
		t.Fatal(err)
	}
	if v := st.match("orders-value", cand, isLive); v == nil || v.id != 7 {
		t.Fatalf("the spaced text matched %v, want id 7", v)
	}
	if n := len(st.parses.entries); n != 1 {
		t.Errorf("looking up a spaced text parsed %d schemas, want 1", n)
	}

	if _, ok := st.storedCandidate("orders-value", SchemaRequest{Type: compat.TypeJSON, Schema: text}, false); ok {
		t.Error("an Avro text looked up as JSON Schema was taken for the stored Avro version")
	}
	if _, ok := st.storedCandidate("orders-value", SchemaRequest{Type: compat.TypeAvro, Schema: text}, true); ok {
		t.Error("a lookup with normalize skipped the parse")
	}
}

// TestResolveSubject pins what resolveSubject answers with and without contexts besides the
// default one (it skips looking at versions when there are none).
func TestResolveSubject(t *testing.T) {
	onlyDefault := applyAll(t, [4]any{"a", 1, 1, `"int"`})
	withStaging := applyAll(t, [4]any{"a", 1, 1, `"int"`}, [4]any{":.staging:orders", 1, 1, `"long"`})
	tests := []struct {
		st      *state
		subject string
		want    string
	}{
		{onlyDefault, "a", "a"},
		{onlyDefault, "missing", "missing"},
		{onlyDefault, ":.:missing", ":.:missing"},
		{withStaging, "a", "a"},
		{withStaging, "orders", ":.staging:orders"},
		{withStaging, ":.:orders", ":.staging:orders"},
		{withStaging, "missing", "missing"},
		{withStaging, ":.staging:missing", ":.staging:missing"},
	}
	for _, tt := range tests {
		if got := tt.st.resolveSubject(tt.subject, false); got != tt.want {
			t.Errorf("resolveSubject(%q) = %q, want %q", tt.subject, got, tt.want)
		}
	}
}
