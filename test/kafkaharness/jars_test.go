package main

import (
	"bytes"
	"context"
	"slices"
	"testing"
)

// TestMavenIsPlain: Maven runs in batch mode without colour, and what it prints reaches
// the test output without terminal escapes, which Maven 3.8 writes (ESC[0m) even in batch
// mode, split across writes or not.
func TestMavenIsPlain(t *testing.T) {
	cmd := mavenCommand(context.Background(), "pom.xml", "/tmp/out")
	for _, arg := range []string{"-B", "-Dstyle.color=never"} {
		if !slices.Contains(cmd.Args, arg) {
			t.Errorf("mvn %v lacks %s", cmd.Args[1:], arg)
		}
	}
	const printed = "\x1b[0m\x1b[0m[ERROR] \x1b[1;31mthe build could not read 1 project\x1b[m -> [Help 1]\n"
	const want = "[ERROR] the build could not read 1 project -> [Help 1]\n"
	for split := range len(printed) {
		var out bytes.Buffer
		w := &plainWriter{w: &out}
		for _, part := range []string{printed[:split], printed[split:]} {
			if n, err := w.Write([]byte(part)); n != len(part) || err != nil {
				t.Fatalf("Write(%q) = %d, %v", part, n, err)
			}
		}
		if out.String() != want {
			t.Fatalf("split at %d: %q, want %q", split, out.String(), want)
		}
	}
}
