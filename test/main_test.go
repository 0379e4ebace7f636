package test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestMain builds the accord binary at most once for every test that runs it, and fails the
// package if a goroutine a test started outlives the tests: a goroutine left running may
// call t.Errorf after its test has completed, which panics the whole test binary and hides
// every test after it, or keep a server, a Kafka client or a subprocess going into the next
// test.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "accord-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	accordBinary = sync.OnceValues(func() (string, error) { return goBuildAccord(dir) })
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goroutines outlived the tests: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// accordBinary builds ./cmd/accord on its first call and returns the same binary to every
// later caller; TestMain sets it. Each test used to link its own copy, seconds each on a
// busy machine.
var accordBinary func() (string, error)

// buildAccord returns the accord binary built from the module root.
func buildAccord(t *testing.T) string {
	t.Helper()
	bin, err := accordBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// goBuildAccord builds ./cmd/accord, from the module root above the working directory, into dir.
func goBuildAccord(dir string) (string, error) {
	root, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			return "", fmt.Errorf("no go.mod above the test directory")
		}
		root = parent
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("go tool not found: %v", err)
	}
	bin := filepath.Join(dir, "accord")
	cmd := exec.Command(goTool, "build", "-o", bin, "./cmd/accord")
	cmd.Dir = root
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/accord: %v\n%s", err, out)
	}
	fmt.Fprintf(os.Stderr, "built %s in %v\n", bin, time.Since(start).Round(time.Millisecond))
	return bin, nil
}
