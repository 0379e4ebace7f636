// Package kmstest starts the KMS emulators the drivers' tests run against (moto's AWS KMS,
// OpenBao's Vault), from the virtualenv `make deps` installs into test/kms/.venv.
package kmstest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// Server describes an emulator: the program in the virtualenv's bin directory, what it is
// (for messages), its arguments given the address to listen on, and when it is ready.
type Server struct {
	Program string
	What    string
	Args    func(addr string) []string
	Ready   func(url string) bool
}

// Start runs s on a free 127.0.0.1 port until the test ends and returns its base URL. Without
// the virtualenv the test skips, loudly, except under CI=true, where it fails.
func Start(t *testing.T, s Server) string {
	t.Helper()
	bin := filepath.Join(venvBin(t), s.Program)
	if _, err := os.Stat(bin); err != nil {
		msg := s.What + " is not installed (" + bin + "): run `make deps`, or python3 -m venv test/kms/.venv && test/kms/.venv/bin/pip install -r test/kms/requirements.txt"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("SKIPPING the tests against " + s.What + ": " + msg)
	}
	addr := "127.0.0.1:" + freePort(t)
	cmd := exec.Command(bin, s.Args(addr)...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	url := "http://" + addr
	for deadline := time.Now().Add(60 * time.Second); !s.Ready(url); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not become ready on %s within a minute:\n%s", s.What, url, out.String())
		}
	}
	return url
}

// venvBin is test/kms/.venv/bin of the repository this file is in.
func venvBin(t *testing.T) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("kmstest: cannot find the repository")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "test", "kms", ".venv", "bin")
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}
