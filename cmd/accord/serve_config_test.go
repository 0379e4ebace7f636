package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// TestServeConfigErrorsBeforeServing: every mistake in serve's configuration (flags, the
// users file, TLS and Kafka files, the data dir's lock, the listen address) stops it
// before it logs "accord serving", with a non-zero exit: 2 for what the operator gave it,
// 1 for what it found when starting.
func TestServeConfigErrorsBeforeServing(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing")
	typo := filepath.Join(dir, "typo.yaml")
	if err := os.WriteFile(typo, []byte("users:\n  - name: ops\n    pasword: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(dir, "locked")
	held, err := filelog.Open(locked, filelog.Config{Mark: store.SchemaID})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	kafka := []string{"--kafka-brokers", "127.0.0.1:1", "--kafka-init-timeout", "2s"}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"missing users file", []string{"--auth-file", missing}, 2, "users file"},
		{"misspelt users file", []string{"--auth-file", typo}, 2, `unknown key "pasword"`},
		{"auth file on Kafka", append([]string{"--auth-file", missing}, kafka...), 2, "users file"},
		{"missing TLS certificate", []string{"--tls-cert", missing, "--tls-key", missing}, 2, "--tls-cert"},
		{"unknown level", []string{"--compatibility", "SOMETIMES"}, 2, "--compatibility"},
		{"unknown log level", []string{"--log-level", "loud"}, 2, "--log-level"},
		{"unknown flag", []string{"--no-such-flag"}, 2, "flag provided but not defined"},
		{"positional argument", []string{"extra"}, 2, `unexpected argument "extra"`},
		{"unknown SASL mechanism", append([]string{"--kafka-sasl-mechanism", "MD5"}, kafka...), 2, "--kafka-sasl-mechanism"},
		{"missing Kafka CA", append([]string{"--kafka-tls-ca-file", missing}, kafka...), 2, "--kafka-tls-ca-file"},
		{"bad advertised URL", append([]string{"--advertised-url", "ftp://x"}, kafka...), 2, "--advertised-url"},
		{"unknown schema check", append([]string{"--kafka-schema-check", "sometimes"}, kafka...), 2, "--kafka-schema-check"},
		{"locked data dir", []string{"--data-dir", locked}, 1, "in use"},
		{"address in use", []string{"--listen", taken.Addr().String()}, 1, "address already in use"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			args := append([]string{"serve", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir()}, tc.args...)
			var stdout, stderr bytes.Buffer
			code := run(ctx, args, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, &stderr)
			}
			if strings.Contains(stderr.String(), "accord serving") {
				t.Errorf("logged that it serves before failing:\n%s", &stderr)
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr does not say %q:\n%s", tc.want, &stderr)
			}
		})
	}
}

// TestRestartsAppendNothing: starting serve on the embedded store writes nothing to its
// log, so a registry that only restarts keeps an empty log (Confluent's NOOP marker is for
// finding the end of a shared topic, which a file does not need).
func TestRestartsAppendNothing(t *testing.T) {
	dir := t.TempDir()
	for range 3 {
		ln := listenLoopback(t)
		ctx, cancel := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- serveOn(ctx, ln, []string{"--data-dir", dir}, io.Discard, io.Discard) }()
		waitForStatus(t, "http://"+ln.Addr().String()+"/healthz", "", "", http.StatusOK)
		cancel()
		if err := <-served; err != nil {
			t.Fatalf("serve: %v", err)
		}
	}
	s, err := filelog.Verify(dir, store.SchemaID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Frames != 0 {
		t.Errorf("after three starts the log has %d records, want none", s.Frames)
	}
}
