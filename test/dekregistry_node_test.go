package test

import (
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
	node := nodeClient(t)
	s := startServer(t, serverOptions{})
	m := runClientScript(t, node, filepath.Join("clients", "node", "dek_registry.mjs"), []string{s.URL}, nodeDekLastLine)
	t.Logf("%s", m[0])
}
