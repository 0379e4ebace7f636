package compattest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// CorporaDir finds shared/corpora: $ACCORD_CORPORA, or ../shared/corpora
// beside the directory holding go.mod.
func CorporaDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("ACCORD_CORPORA"); dir != "" {
		return dir
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "corpora")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// LoadCorpus decodes the JSON corpus file rel (relative to CorporaDir) into v. A missing
// file skips the test with one line saying how to supply the corpora, or fails it when CI=true.
func LoadCorpus(t *testing.T, rel string, v any) bool {
	t.Helper()
	dir := CorporaDir(t)
	data, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		// One line that says what is missing and how to supply it; `make test` prints it
		// (the corpora are not part of this repository), and under CI it is a failure.
		msg := fmt.Sprintf("corpora: not found in %s: the agreement with Confluent is not measured; point ACCORD_CORPORA at the directory holding confluent/ and apache-avro/ (default: ../shared/corpora beside this repository)", dir)
		t.Logf("%s: %v", rel, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
		return false
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %s: %v", rel, err)
	}
	return true
}
