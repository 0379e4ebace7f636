package store

import (
	"testing"

	"github.com/accord-registry/accord/compat"
)

// TestLookupOfTextStoredUncanonicalInAnotherSubject: a text another registry stored as given
// (not in Accord's canonical form) in one subject is not taken for the canonical form when
// another subject is looked up with it: that subject's version of the same schema, stored in
// canonical form, is still found, as it is when the stored text is nowhere.
func TestLookupOfTextStoredUncanonicalInAnotherSubject(t *testing.T) {
	const spaced = `{"type": "record", "name": "R", "fields": [{"name": "id", "type": "long"}]}`
	parsed, err := compat.Parse(compat.TypeAvro, spaced, nil, compat.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	canonical := parsed.Canonical()
	if canonical == spaced {
		t.Fatal("the test needs a text that is not canonical")
	}
	st := applyAll(t, [4]any{"imported-value", 1, 7, spaced}, [4]any{"orders-value", 1, 8, canonical})

	cand, err := st.candidate("orders-value", SchemaRequest{Type: compat.TypeAvro, Schema: spaced}, false, true)
	if err != nil {
		t.Fatal(err)
	}
	if v := st.match("orders-value", cand, isLive); v == nil || v.id != 8 {
		t.Fatalf("looking up orders-value with the text imported-value stores matched %v, want id 8", v)
	}
	cand, err = st.candidate("imported-value", SchemaRequest{Type: compat.TypeAvro, Schema: spaced}, false, true)
	if err != nil {
		t.Fatal(err)
	}
	if v := st.match("imported-value", cand, isLive); v == nil || v.id != 7 {
		t.Fatalf("looking up imported-value with its own text matched %v, want id 7", v)
	}
}
