package serde

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

// A registry that answers more than the bound (finding 9 of the December review 2: a
// 400 MB /subjects answer made the CLI reach 2.6 GB) fails the call with
// ErrResponseTooLarge, whether it announces its length or streams; an answer within the
// bound is read as before.
func TestBoundedHTTPClientFailsLargeAnswers(t *testing.T) {
	const bound = 1 << 20
	for _, tc := range []struct {
		name   string
		size   int
		length bool // send Content-Length
		fails  bool
	}{
		{"small", 1000, true, false},
		{"exactly the bound", bound, false, false},
		{"streamed past the bound", 3 * bound, false, true},
		{"announced past the bound", 3 * bound, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body := `["` + strings.Repeat("a", tc.size-4) + `"]`
				if tc.length {
					w.Header().Set("Content-Length", strconv.Itoa(len(body)))
				}
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, body)
			}))
			defer srv.Close()
			cl, err := sr.NewClient(sr.URLs(srv.URL), sr.HTTPClient(BoundedHTTPClient(nil, bound)))
			if err != nil {
				t.Fatal(err)
			}
			subjects, err := cl.Subjects(context.Background())
			switch {
			case tc.fails && !errors.Is(err, ErrResponseTooLarge):
				t.Fatalf("got %v, want ErrResponseTooLarge", err)
			case !tc.fails && (err != nil || len(subjects) != 1 || len(subjects[0]) != tc.size-4):
				t.Fatalf("got %d subjects, %v", len(subjects), err)
			}
		})
	}
}
