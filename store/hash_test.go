package store

import "testing"

// The GUIDs below are the ones confluent-api.md §10 and Appendix A compute from the algorithm.
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
