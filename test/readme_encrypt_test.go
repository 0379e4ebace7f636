package test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The README takes a newcomer from zero to an encrypted field: a Python producer that
// registers a schema with an ENCRYPT rule and encrypts a record with the local KMS, and a Go
// consumer that decrypts it. Those two programs are testdata/readme/encrypt.py and
// testdata/readme/decrypt/main.go: TestReadmeEncryptionRuns runs them, in that order,
// against a real Accord, and TestReadmeEncryptionSection checks that the README shows them
// unchanged.

// readmeEncryptionHeading is the README section that shows the two programs.
const readmeEncryptionHeading = "Encrypting a field, from Python to Go"

// readmeURL is the registry address the snippets use, replaced by the test server's.
const readmeURL = "http://localhost:8081"

var (
	readmePython = filepath.Join("testdata", "readme", "encrypt.py")
	readmeGo     = filepath.Join("testdata", "readme", "decrypt", "main.go")
)

func TestReadmeEncryptionRuns(t *testing.T) {
	t.Parallel() // waits on Python and on the Go build
	python := pythonClient(t)
	s := startServer(t, serverOptions{})
	work := t.TempDir()
	script := filepath.Join(work, "encrypt.py")
	writeWithURL(t, readmePython, script, s.URL)
	out := runIn(t, work, python, script)
	if out != "False" {
		t.Fatalf("encrypt.py printed %q, want False (the email not in the clear)", out)
	}
	if _, err := os.Stat(filepath.Join(work, "customer.bin")); err != nil {
		t.Fatalf("encrypt.py wrote no record: %v", err)
	}

	consumer := buildWithURL(t, "./testdata/readme/decrypt", readmeGo, s.URL)
	if out := runIn(t, work, consumer); out != "{ID:1 Email:ada@example.com}" {
		t.Fatalf("the Go consumer printed %q, want the decrypted customer", out)
	}
}

// writeWithURL copies a snippet to dst with the registry address replaced by url.
func writeWithURL(t *testing.T, src, dst, url string) {
	t.Helper()
	text, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), readmeURL) {
		t.Fatalf("%s does not use %s", src, readmeURL)
	}
	if err := os.WriteFile(dst, []byte(strings.ReplaceAll(string(text), readmeURL, url)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// buildWithURL builds the Go program pkg, its source file src read with the registry address
// replaced by url (through go build's -overlay, so that the module resolves its imports),
// and returns the binary's path.
func buildWithURL(t *testing.T, pkg, src, url string) string {
	t.Helper()
	dir := t.TempDir()
	abs, err := filepath.Abs(src)
	if err != nil {
		t.Fatal(err)
	}
	replaced := filepath.Join(dir, "main.go")
	writeWithURL(t, src, replaced, url)
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {abs: replaced}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "overlay.json"), overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "program")
	if out, err := exec.Command("go", "build", "-overlay", filepath.Join(dir, "overlay.json"), "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// runIn runs a command in dir and returns its trimmed output, failing the test on an error.
func runIn(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}
