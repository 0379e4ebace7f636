package store

import (
	"fmt"
	"testing"
	"time"
)

// applyAll folds SCHEMA records for (subject, version, id, text) tuples into a fresh state.
func applyAll(t *testing.T, versions ...[4]any) *state {
	t.Helper()
	st := newState()
	for i, v := range versions {
		subject, num, id, text := v[0].(string), v[1].(int), v[2].(int), v[3].(string)
		value := encodeValue(schemaValue{Subject: subject, Version: num, ID: id, Schema: text})
		rec := Record{Offset: int64(i), Timestamp: time.UnixMilli(1), Key: encodeKey(recordKey{Type: keySchema, Subject: subject, Version: num}), Value: value}
		if err := st.apply(rec); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// TestVersionForID pins the id resolution order versionForID documents.
func TestVersionForID(t *testing.T) {
	st := applyAll(t,
		[4]any{"a", 1, 1, `"int"`},
		[4]any{":.staging:orders", 1, 1, `"long"`},
		[4]any{":.staging:other", 1, 2, `"bytes"`},
	)
	tests := []struct {
		subject string
		want    string // subject of the version found, "" for none
	}{
		{"", "a"},                               // no subject: default context
		{"a", "a"},                              // the named subject has it
		{"orders", ":.staging:orders"},          // unknown in the default context: same name elsewhere
		{":.staging:", ":.staging:orders"},      // a context: any subject in it
		{":.staging:other", ":.staging:orders"}, // the subject lacks the id: any in its context
		{":.nowhere:", ""},
	}
	for _, tt := range tests {
		v, _ := st.versionForID(1, tt.subject)
		got := ""
		if v != nil {
			got = v.subject
		}
		if got != tt.want {
			t.Errorf("versionForID(1, %q) = %q, want %q", tt.subject, got, tt.want)
		}
	}
	if v, _ := st.versionForID(2, ""); v != nil {
		t.Errorf("id 2 lives only in .staging; found %s in the default context", fmt.Sprint(v.subject))
	}
}
