package snapshot

import (
	"bytes"
	"errors"
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

// TestVersion1Discarded: a snapshot of format version 1 (the golden file of that version)
// may hold records the store rejected, which a reader would now apply without parsing; Read
// refuses it, so the reader replays the topic instead.
func TestVersion1Discarded(t *testing.T) {
	if _, _, err := Read("testdata/small-v1.snapshot"); !errors.Is(err, errCorrupt) {
		t.Fatalf("Read of a version 1 snapshot = %v; want a refusal", err)
	}
}
