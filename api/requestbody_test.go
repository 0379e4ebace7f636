package api

import (
	"bytes"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAnnouncedBodyIsNotPresizedBeyondAPooledBuffer: the buffer made ahead for a body is sized
// from the client's Content-Length, but no larger than a pooled buffer, so that a client that
// announces a megabyte and sends nothing (slowly, on many connections) holds little memory.
func TestAnnouncedBodyIsNotPresizedBeyondAPooledBuffer(t *testing.T) {
	req := httptest.NewRequest("POST", "/subjects/s/versions", io.NopCloser(strings.NewReader("")))
	req.ContentLength = 1 << 20
	var buf bytes.Buffer
	if _, err := readAllBody(req, &buf); err != nil {
		t.Fatal(err)
	}
	if buf.Cap() > maxPooledBody+bytes.MinRead {
		t.Errorf("a body announced at 1 MiB, none of it sent, holds a %d-byte buffer; want at most %d", buf.Cap(), maxPooledBody+bytes.MinRead)
	}
}
