package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Finding 10: a password in the registry URL appears in no message, whether the registry
// cannot be reached, answers an error, or the URL does not parse.
func TestURLPasswordIsInNoMessage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, "broken")
	}))
	defer srv.Close()
	withPassword := strings.Replace(srv.URL, "http://", "http://u:URLPASS@", 1)
	for _, registry := range []string{"http://u:URLPASS@127.0.0.1:1", withPassword, "http://u:URLPASS@127.0.0.1:port", "http://u:URLPASS@[::1"} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"subjects", "--registry", registry}, &stdout, &stderr)
		if code == 0 || strings.Contains(stderr.String()+stdout.String(), "URLPASS") {
			t.Errorf("--registry %s: exit %d, output %q%q: want a failure without the password", registry, code, stdout.String(), stderr.String())
		}
	}
	var stderr bytes.Buffer
	code := checkCommand(context.Background(), []string{"--registry", "http://u:URLPASS@127.0.0.1:1", "--subject", "s", "x.avsc"}, io.Discard, &stderr)
	if code != exitUsage || strings.Contains(stderr.String(), "URLPASS") {
		t.Errorf("check: exit %d, %q", code, stderr.String())
	}
}

// URL credentials are sent as Basic auth, and --user/--password win over them.
func TestURLCredentialsBecomeBasicAuth(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("Authorization"))
		mu.Unlock()
		io.WriteString(w, `[]`)
	}))
	defer srv.Close()
	withPassword := strings.Replace(srv.URL, "http://", "http://u:URL%40PASS@", 1)
	runOK(t, "subjects", "--registry", withPassword)
	runOK(t, "subjects", "--registry", withPassword, "--user", "flag", "--password", "flagpw")
	want := []string{basic("u:URL@PASS"), basic("flag:flagpw")}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Authorization headers %q, want %q", got, want)
	}
}

func basic(userPassword string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(userPassword))
}

// Finding 9: an answer larger than the bound fails the command (exit 1) with a clear
// message, instead of being read whole; the default bound is 64 MiB.
func TestRegistryAnswersAreBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// 65 MiB of subject names, streamed without a length.
		io.WriteString(w, `[`)
		chunk := []byte(strings.Repeat(`"aaaaaaaaaaaaaaaaaaaaaaaaaaaaa",`, 1<<15)) // 1 MiB
		for range 65 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		io.WriteString(w, `"a"]`)
	}))
	defer srv.Close()
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"subjects", "--registry", srv.URL}, io.Discard, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "too large: more than 67108864 bytes (64 MiB)") {
		t.Fatalf("exit %d, %q; want 1 and the bound", code, stderr.String())
	}
}
