package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-registry/accord/api"
)

// TestHeaderTooLargeJSON runs `accord serve` and sends headers around the limit through a
// real listener: a 2 MB header gets 431 with Confluent's JSON error body, not net/http's
// plain text, and a header under the limit is served (review finding 13). Past
// api.ServerMaxHeaderBytes net/http still answers in plain text, before any handler.
func TestHeaderTooLargeJSON(t *testing.T) {
	dir := t.TempDir()
	ln := listenLoopback(t)
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- serveOn(ctx, ln, []string{"--data-dir", filepath.Join(dir, "data")}, io.Discard, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	url := "http://" + addr + "/subjects"
	waitForStatus(t, url, "", "", http.StatusOK)

	for _, tc := range []struct {
		size       int
		wantStatus int
		wantBody   string
	}{
		{900 << 10, http.StatusOK, "[]"},
		{2 << 20, http.StatusRequestHeaderFieldsTooLarge, `{"error_code":431,"message":"HTTP 431 Request Header Fields Too Large"}`},
		{2_000_000, http.StatusRequestHeaderFieldsTooLarge, `{"error_code":431,"message":"HTTP 431 Request Header Fields Too Large"}`},
		{api.ServerMaxHeaderBytes - 1024, http.StatusRequestHeaderFieldsTooLarge, `{"error_code":431,"message":"HTTP 431 Request Header Fields Too Large"}`},
		{(1 << 20) + 1, http.StatusRequestHeaderFieldsTooLarge, `{"error_code":431,"message":"HTTP 431 Request Header Fields Too Large"}`},
	} {
		req, err := http.NewRequest("GET", url, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Big", strings.Repeat("a", tc.size))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("a %d-byte header: %v", tc.size, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tc.wantStatus || strings.TrimSpace(string(body)) != tc.wantBody {
			t.Errorf("a %d-byte header: %d %q, want %d %q", tc.size, resp.StatusCode, body, tc.wantStatus, tc.wantBody)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "json") {
			t.Errorf("a %d-byte header: Content-Type %q, want JSON", tc.size, ct)
		}
	}
	// The server still serves afterwards.
	if got := status(t, url, "", ""); got != http.StatusOK {
		t.Errorf("after the large headers: %d", got)
	}
}
