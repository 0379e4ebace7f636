package store

import (
	"net/http"
	"strconv"
	"testing"
)

// TestCodeTable: every code has a name and a status, and the status is the one the code's
// leading digits imply (404xx → 404, 409xx → 409, 422xx → 422, 500xx → 500).
func TestCodeTable(t *testing.T) {
	for code, info := range codes {
		if info.name == "" {
			t.Errorf("code %d has no name", code)
		}
		digits := strconv.Itoa(int(code))
		want, _ := strconv.Atoi(digits[:3])
		if info.status != want || http.StatusText(info.status) == "" {
			t.Errorf("code %d: status %d, want %d", code, info.status, want)
		}
	}
}

func TestErrorUnwrapAndLog(t *testing.T) {
	cause := strconv.ErrSyntax
	e := Wrap(CodeStoreError, cause, "Error while writing to the store")
	if e.Unwrap() != cause || e.Code.Status() != http.StatusInternalServerError {
		t.Fatalf("Wrap lost its cause or status: %+v", e)
	}
	if got := e.LogValue().Group(); len(got) != 4 {
		t.Errorf("LogValue has %d attrs, want code, name, message, cause", len(got))
	}
}
