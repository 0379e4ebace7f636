package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/accord-registry/accord/api/auth"
)

// TestServeAuthFileReloadsOnHangup runs `accord serve --auth-file` and changes a password
// under it: after SIGHUP the new password works and the old one does not, without a
// restart; a broken file on the next SIGHUP leaves the users in force.
func TestServeAuthFileReloadsOnHangup(t *testing.T) {
	dir := t.TempDir()
	users := filepath.Join(dir, "users.yaml")
	writeUser(t, users, "ops", "first-password")
	ln := listenLoopback(t)
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- serveOn(ctx, ln, []string{"--data-dir", filepath.Join(dir, "data"), "--auth-file", users}, io.Discard, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	url := "http://" + addr + "/subjects"
	waitForStatus(t, url, "ops", "first-password", http.StatusOK)
	if got := status(t, url, "", ""); got != http.StatusUnauthorized {
		t.Fatalf("without credentials: %d, want 401", got)
	}

	writeUser(t, users, "ops", "second-password")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	// Polling with the old password, which works until the reload, costs one failed check:
	// polling with the new one would fail on every try before the reload and, on a slow
	// machine, trip the per-address failure limit, which then refuses even the right password.
	waitForStatus(t, url, "ops", "first-password", http.StatusUnauthorized)
	if got := status(t, url, "ops", "second-password"); got != http.StatusOK {
		t.Fatalf("the new password after the reload: %d, want 200", got)
	}

	if err := os.WriteFile(users, []byte("users: [broken\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // let the reload run; the users must stay either way
	if got := status(t, url, "ops", "second-password"); got != http.StatusOK {
		t.Fatalf("after a broken file was offered: %d, want the previous users in force", got)
	}
}

func writeUser(t *testing.T, path, name, password string) {
	t.Helper()
	hash, err := auth.HashBcrypt(password)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("users:\n  - name: "+name+"\n    password: \""+hash+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// listenLoopback listens on a free loopback port, for serveOn to serve. The test keeps the
// port from the start: choosing a free port, closing it and letting serve bind it later
// leaves a moment in which another process can take it, and the test would then talk to
// that process. serveOn closes it; so does the test's end, if serveOn never ran.
func listenLoopback(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

func status(t *testing.T, url, user, password string) int {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitForStatus polls until the URL answers want with the credentials, for up to 30 s: each
// check of a password not yet remembered is a bcrypt hash, which under -race on a loaded
// two-core machine takes seconds.
func waitForStatus(t *testing.T, url, user, password string, want int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := status(t, url, user, password)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s as %s: %d, want %d", url, user, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeBodyReadTimeout: ACCORD_BODY_READ_TIMEOUT reaches serve, which answers a body
// that stops arriving with 408 once it passes.
func TestServeBodyReadTimeout(t *testing.T) {
	t.Setenv("ACCORD_BODY_READ_TIMEOUT", "300ms")
	base := startServe(t, "--data-dir", filepath.Join(t.TempDir(), "data"))
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, "POST /subjects/s/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a body that stops: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("a body that stops: %d, want 408", resp.StatusCode)
	}
}
