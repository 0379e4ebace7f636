package test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeEncryptionSection: the README's Python and Go blocks in the section are the
// two programs TestReadmeEncryptionRuns runs.
func TestReadmeEncryptionSection(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## "+readmeEncryptionHeading+"\n")
	if !ok {
		t.Fatalf("README.md has no section %q showing %s and %s", readmeEncryptionHeading, readmePython, readmeGo)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	for lang, path := range map[string]string{"python": readmePython, "go": readmeGo} {
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		blocks := regexp.MustCompile("(?s)\n```"+lang+"\n(.*?\n)```").FindAllStringSubmatch(section, -1)
		if len(blocks) != 1 {
			t.Errorf("section %q: %d %s blocks, want one, %s", readmeEncryptionHeading, len(blocks), lang, path)
			continue
		}
		if blocks[0][1] != string(want) {
			t.Errorf("section %q: the %s block differs from %s, which the tests run", readmeEncryptionHeading, lang, path)
		}
	}
}
