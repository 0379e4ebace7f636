package snapshot

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// goldenPath is the small snapshot whose exact bytes pin the file format: if this test
// fails, the format changed, and files written by older builds may no longer be readable.
const goldenPath = "testdata/small.snapshot"

func TestGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snapshot")
	mustWrite(t, path, sampleMeta, sampleRecords())
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Write produced\n%x\nwant (%s)\n%x", got, goldenPath, want)
	}
	checkRead(t, goldenPath, sampleMeta, sampleRecords())
}
