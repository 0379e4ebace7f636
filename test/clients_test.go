package test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/accord-registry/accord/compat"
)

// The real clients every Accord user already has: Confluent's Python and JavaScript schema
// registry clients, with their Avro serializers. `make deps` installs them (a virtualenv and
// npm ci under test/clients); each script exits non-zero on the first behaviour that differs
// from Confluent Schema Registry.

func TestPythonClient(t *testing.T) {
	python := filepath.Join("clients", "python", ".venv", "bin", "python")
	out := runClient(t, python, filepath.Join("clients", "python", "roundtrip.py"))
	var types []string
	for _, typ := range compat.SupportedTypes() {
		types = append(types, string(typ))
	}
	sort.Strings(types)
	if want := "all checks passed for " + strings.Join(types, ","); !strings.Contains(out, want) {
		t.Errorf("the Python client did not exercise every supported schema type: want %q in\n%s", want, out)
	}
}

func TestNodeClient(t *testing.T) {
	if _, err := os.Stat(filepath.Join("clients", "node", "node_modules", "@confluentinc", "schemaregistry")); err != nil {
		missingClient(t, "node_modules of test/clients/node")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missingClient(t, "node")
	}
	runClient(t, node, filepath.Join("clients", "node", "roundtrip.mjs"))
}

// runClient runs a client script against a fresh server and fails with its output when it fails.
func runClient(t *testing.T, interpreter, script string) string {
	if _, err := os.Stat(interpreter); err != nil {
		missingClient(t, interpreter)
	}
	s := startServer(t, serverOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, interpreter, script, s.URL).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(interpreter), script, err, out)
	}
	t.Logf("%s", out)
	return string(out)
}

// missingClient skips a client test on a developer machine without the client installed, but
// fails it in CI, where `make test` must have installed it.
func missingClient(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing: make deps installs it", what)
	}
	t.Skipf("%s is missing: run `make deps` to install the client (CI fails instead of skipping)", what)
}
