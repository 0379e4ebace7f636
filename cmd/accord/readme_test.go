package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The README is followed line by line by people trying Accord, so its commands are run
// here: the first session's curl commands against a real `accord serve`, each answer
// compared with the one the README shows; and the CI recipes' commands, as far as they run
// offline.

// readmeSection is the text of the README's section under the "## " heading.
func readmeSection(t *testing.T, heading string) string {
	t.Helper()
	text, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(text), "\n## "+heading+"\n")
	if !ok {
		t.Fatalf("README.md has no section %q", heading)
	}
	section, _, _ := strings.Cut(rest, "\n## ")
	return section
}

// fencedBlocks are the README's code blocks of a language ("sh", "yaml") in a section.
func fencedBlocks(section, lang string) []string {
	var blocks []string
	for _, m := range regexp.MustCompile("(?s)\n```"+lang+"\n(.*?)\n```").FindAllStringSubmatch(section, -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// shellStep is one command of a README block and the answer the README shows for it: the
// comment on its last line, or the comment line right below it.
type shellStep struct {
	command, answer string
}

// shellSteps splits a shell block into commands (joining lines continued with \) and their
// answers. Comment lines before a command describe it and are not answers.
func shellSteps(block string) []shellStep {
	var steps []shellStep
	var cmd strings.Builder
	lastWasCommand := false
	for _, line := range strings.Split(block, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			lastWasCommand = false
		case strings.HasPrefix(trimmed, "#"):
			if lastWasCommand && steps[len(steps)-1].answer == "" {
				steps[len(steps)-1].answer = strings.TrimSpace(strings.TrimPrefix(trimmed, "#"))
			}
			lastWasCommand = false
		case strings.HasSuffix(trimmed, `\`):
			cmd.WriteString(strings.TrimSuffix(trimmed, `\`) + " ")
		default:
			command, answer := trimmed, ""
			if i := strings.Index(trimmed, "  # "); i >= 0 {
				command, answer = strings.TrimSpace(trimmed[:i]), strings.TrimSpace(trimmed[i+4:])
			}
			cmd.WriteString(command)
			steps = append(steps, shellStep{command: cmd.String(), answer: answer})
			cmd.Reset()
			lastWasCommand = true
		}
	}
	return steps
}

// answerMatches compares an answer with the README's, where "..." stands for any text
// (what varies, like a timestamp, or the rest of a long answer the README cuts).
func answerMatches(got, want string) bool {
	parts := strings.Split(want, "...")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, "(?s:.*)") + "$").MatchString(got)
}

// TestReadmeFirstSession runs the README's first session, curl for curl, against `accord
// serve` (on a free port instead of :8081) and compares every answer the README shows.
func TestReadmeFirstSession(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("this test runs the README's curl commands and needs curl on PATH")
	}
	base := startServe(t, "--data-dir", filepath.Join(t.TempDir(), "data"))
	blocks := fencedBlocks(readmeSection(t, "A first session"), "sh")
	if len(blocks) == 0 {
		t.Fatal("no sh block in the first session")
	}
	steps := shellSteps(blocks[0])
	answered := 0
	for _, step := range steps {
		if !strings.HasPrefix(step.command, "curl ") {
			t.Fatalf("the first session runs %q: this test knows only curl", step.command)
		}
		command := strings.ReplaceAll(step.command, "http://localhost:8081", base)
		command = strings.Replace(command, "curl", curl, 1)
		out, err := exec.Command("sh", "-c", command).Output()
		if err != nil {
			t.Fatalf("%s: %v", step.command, err)
		}
		if step.answer == "" {
			continue
		}
		answered++
		if got := string(bytes.TrimSpace(out)); !answerMatches(got, step.answer) {
			t.Errorf("%s\nREADME: %s\nserver: %s", step.command, step.answer, got)
		}
	}
	if answered < len(steps) {
		t.Errorf("only %d of %d commands show their answer", answered, len(steps))
	}
}
