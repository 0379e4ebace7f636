package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-registry/accord/compat"
)

// The review's file names (finding 7): a newline that starts a command of its own, and a
// comma that adds properties. Every line of --format github must be one workflow command
// whose properties are the ones accord wrote.
func TestGitHubFormatEscapesFileNames(t *testing.T) {
	names := []string{
		"s\n::warning file=README.md,line=1::INJECTED by file name\n.avsc",
		"a,line=99,title=SPOOF.avsc",
		"c\r::add-mask::x:y%0A.avsc",
	}
	var reports []*checkReport
	for _, name := range names {
		reports = append(reports,
			newReport(name, "base:"+name, "BACKWARD", compat.Result{Compatible: true}, nil),
			newReport(name, "base:"+name, "BACKWARD", compat.Result{Compatible: false, Messages: []string{"line\n::error::forged"}}, nil))
	}
	var out bytes.Buffer
	if err := writeGitHub(&out, reports); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2*len(names) {
		t.Fatalf("%d lines for %d annotations:\n%s", len(lines), 2*len(names), out.String())
	}
	for _, line := range lines {
		command, rest, _ := strings.Cut(line, " ")
		if command != "::notice" && command != "::error" {
			t.Errorf("a line that is not accord's annotation: %q", line)
		}
		props, _, ok := strings.Cut(rest, "::")
		if !ok {
			t.Errorf("no message: %q", line)
		}
		for _, p := range strings.Split(props, ",") {
			key, _, _ := strings.Cut(p, "=")
			if key != "file" && key != "line" && key != "title" {
				t.Errorf("property %q in %q: a file name added it", key, line)
			}
		}
		if strings.Contains(line, "\r") {
			t.Errorf("unescaped: %q", line)
		}
	}
	if want := "file=a%2Cline=99%2Ctitle=SPOOF.avsc"; !strings.Contains(out.String(), want) {
		t.Errorf("want the comma escaped as %s:\n%s", want, out.String())
	}
}

// An error line on stderr in github format (a file that cannot be opened) is one escaped
// annotation too.
func TestGitHubFormatEscapesErrors(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("v1.avsc", []byte(`"int"`), 0o644)
	var stdout, stderr bytes.Buffer
	code := checkCommand(context.Background(), []string{"--format", "github", "v1.avsc", "zz\n::warning::INJECTED.avsc"}, &stdout, &stderr)
	if code != exitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	got := strings.TrimSuffix(stderr.String(), "\n")
	if strings.Count(got, "\n") != 0 || !strings.HasPrefix(got, "::error title=accord check::") {
		t.Fatalf("stderr is not one annotation: %q", stderr.String())
	}
}

// Finding 8: a property name with ANSI colour and title-set sequences, in a file name with
// an escape of its own, does not reach the terminal raw in text (or JUnit) output.
func TestTextFormatEscapesControlCharacters(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	old := `{"type":"object","properties":{"a\u001b[31mRED\u001b]0;title\u0007":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false}`
	next := `{"type":"object","properties":{"b":{"type":"string"}},"additionalProperties":false}`
	newName := "new\x1b[2J\u202e.json"
	os.WriteFile("old.json", []byte(old), 0o644)
	os.WriteFile(newName, []byte(next), 0o644)
	for _, format := range []string{"text", "junit"} {
		var stdout, stderr bytes.Buffer
		code := checkCommand(context.Background(), []string{"--format", format, "old.json", newName}, &stdout, &stderr)
		if code != exitIncompatible {
			t.Fatalf("%s: exit %d, want 1 (a property removed from a closed model)\n%s%s", format, code, stdout.String(), stderr.String())
		}
		for _, c := range stdout.String() {
			if (needsEscape(c) && c != '\n') || c == '\x1b' {
				t.Fatalf("%s: control character %U in the output:\n%q", format, c, stdout.String())
			}
		}
		if format == "text" && (!strings.Contains(stdout.String(), `\x1b[31mRED`) || !strings.Contains(stdout.String(), `new\x1b[2J\u202e.json`)) {
			t.Errorf("text: want the escapes shown as \\x1b and \\u202e:\n%s", stdout.String())
		}
	}
	// Also the error lines on stderr.
	var stderr bytes.Buffer
	checkCommand(context.Background(), []string{"old.json", filepath.Join(dir, "missing\x1b[31m.json")}, &bytes.Buffer{}, &stderr)
	if strings.ContainsRune(stderr.String(), '\x1b') {
		t.Errorf("stderr holds a raw escape: %q", stderr.String())
	}
}
