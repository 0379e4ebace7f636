package test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

var nodeDekLastLine = regexp.MustCompile(`^node dek client: (\d+) calls checked, (\d+) methods$`)

// TestNodeDekRegistryClient runs every method of @confluentinc/schemaregistry's
// DekRegistryClient, the DEK client of its FieldEncryptionExecutor, against a real Accord
// server.
func TestNodeDekRegistryClient(t *testing.T) {
	t.Parallel() // waits on the client script
	if _, err := os.Stat(filepath.Join("clients", "node", "node_modules", "@confluentinc", "schemaregistry")); err != nil {
		missingClient(t, "node_modules of test/clients/node")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missingClient(t, "node")
	}
	s := startServer(t, serverOptions{})
	m := runClientScript(t, node, filepath.Join("clients", "node", "dek_registry.mjs"), []string{s.URL}, nodeDekLastLine)
	t.Logf("%s", m[0])
}
