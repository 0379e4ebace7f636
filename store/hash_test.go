package store

import (
	"strings"
	"testing"
)

// The GUIDs below are the ones Confluent computes for these schemas (see contentHash).
func TestGUID(t *testing.T) {
	tests := []struct{ text, want string }{
		{`"string"`, "095d71cf-1255-6b9d-5e33-0ad575b3df5d"},
		{`{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}`, "b040db4b-fdae-23ea-4a07-95f3973b98c8"},
	}
	for _, tt := range tests {
		if got := hashContent(tt.text, nil, nil, nil).GUID(); got != tt.want {
			t.Errorf("GUID(%s) = %s, want %s", tt.text, got, tt.want)
		}
	}
}

func TestParseGUID(t *testing.T) {
	h := hashContent(`"string"`, nil, nil, nil)
	for _, in := range []string{h.GUID(), strings.ToUpper(h.GUID())} {
		if got, ok := parseGUID(in); !ok || got != h {
			t.Errorf("parseGUID(%q) = %x, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "095d71cf12556b9d5e330ad575b3df5d", "095d71cf-1255-6b9d-5e33-0ad575b3df5", "zz5d71cf-1255-6b9d-5e33-0ad575b3df5d", "095d71cf1-255-6b9d-5e33-0ad575b3df5d"} {
		if _, ok := parseGUID(bad); ok {
			t.Errorf("parseGUID(%q) accepted", bad)
		}
	}
}

// TestHashContentAllocations checks that hashing a schema without references, metadata or
// rule set allocates nothing (a replay hashes a million of them), and that an empty metadata
// still changes the hash: the shortcut must not swallow it.
func TestHashContentAllocations(t *testing.T) {
	text := strings.Repeat(`{"type":"record","name":"R","fields":[]}`, 10)
	if n := testing.AllocsPerRun(100, func() { _ = hashContent(text, nil, nil, nil) }); n != 0 {
		t.Errorf("hashContent allocates %v times, want 0", n)
	}
	if hashContent(text, nil, nil, nil) == hashContent(text, nil, &Metadata{}, nil) {
		t.Error("an empty metadata does not change the hash")
	}
}
