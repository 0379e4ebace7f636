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
	base := startServe(t, "--data-dir", filepath.Join(t.TempDir(), "data"))
	blocks := fencedBlocks(readmeSection(t, "A first session"), "sh")
	if len(blocks) == 0 {
		t.Fatal("no sh block in the first session")
	}
	runReadmeSteps(t, shellSteps(blocks[0]), strings.NewReplacer("http://localhost:8081", base))
}

// TestReadmeSchemaLinking runs the README's disaster-recovery walk-through: a primary and a
// standby `accord serve` (on free ports instead of :8081 and :8082), the standby started as
// the README starts it, then the curl session, every answer compared.
func TestReadmeSchemaLinking(t *testing.T) {
	blocks := fencedBlocks(readmeSection(t, "Schema Linking"), "sh")
	if len(blocks) < 2 {
		t.Fatalf("the Schema Linking section has %d sh blocks, want the standby's start and the session", len(blocks))
	}
	const standby = "./bin/accord serve --listen 127.0.0.1:8082 --data-dir ./standby-data"
	if strings.TrimSpace(blocks[0]) != standby {
		t.Fatalf("the standby starts with %q; this test starts it with %q", blocks[0], standby)
	}
	primary := startServe(t, "--data-dir", filepath.Join(t.TempDir(), "primary"))
	secondary := startServe(t, "--data-dir", filepath.Join(t.TempDir(), "standby"))
	runReadmeSteps(t, shellSteps(blocks[1]), strings.NewReplacer("http://localhost:8081", primary, "http://localhost:8082", secondary))
}

// runReadmeSteps runs README commands (curl, and sleep), with their URLs replaced, and
// compares each answer the README shows; every curl command must show one.
func runReadmeSteps(t *testing.T, steps []shellStep, urls *strings.Replacer) {
	t.Helper()
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("this test runs the README's curl commands and needs curl on PATH")
	}
	answered, curls := 0, 0
	for _, step := range steps {
		if strings.HasPrefix(step.command, "sleep ") {
			if err := exec.Command("sh", "-c", step.command).Run(); err != nil {
				t.Fatalf("%s: %v", step.command, err)
			}
			continue
		}
		if !strings.HasPrefix(step.command, "curl ") {
			t.Fatalf("the README runs %q: this test knows only curl and sleep", step.command)
		}
		curls++
		command := strings.Replace(urls.Replace(step.command), "curl", curl, 1)
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
	if answered < curls {
		t.Errorf("only %d of %d commands show their answer", answered, curls)
	}
}

// TestReadmeCIRecipes runs the commands of the README's GitHub Actions and GitLab CI
// recipes in a scratch repository of schemas: this checkout stands in for the Accord
// checkout the recipes make (the network is not used), GOBIN for the CI image's Go bin
// directory, and a local `accord serve` for the production registry. Each recipe must
// build accord from source and run its check successfully.
func TestReadmeCIRecipes(t *testing.T) {
	section := readmeSection(t, "`accord check` in CI")
	var github, gitlab []string
	for _, block := range fencedBlocks(section, "yaml") {
		if strings.Contains(block, "@latest") {
			t.Errorf("a recipe installs @latest, which does not resolve while the module is unpublished:\n%s", block)
		}
		switch {
		case strings.Contains(block, "runs-on:"):
			github = yamlCommands(block, "- run: ")
		case strings.Contains(block, "script:"):
			gitlab = yamlCommands(block, "- ")
		}
	}
	if len(github) < 2 || len(gitlab) < 2 {
		t.Fatalf("recipes not found: GitHub %q, GitLab %q", github, gitlab)
	}
	source, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	base := startServe(t, "--data-dir", filepath.Join(t.TempDir(), "data"))
	if code := send(t, "POST", base+"/subjects/orders-value/versions", `{"schema":"{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}"}`); code != 200 {
		t.Fatalf("register: %d", code)
	}
	gobin := t.TempDir() // shared: the second recipe's go install finds accord up to date
	for name, commands := range map[string][]string{"github": github, "gitlab": gitlab} {
		t.Run(name, func(t *testing.T) {
			dir := schemaRepo(t)
			env := append(os.Environ(), "GOBIN="+gobin, "PATH="+gobin+string(os.PathListSeparator)+os.Getenv("PATH"),
				"ACCORD_REGISTRY_URL="+base, "ACCORD_USER=", "ACCORD_PASSWORD=")
			// The recipes' checkout of Accord, without the network.
			if err := os.Symlink(source, filepath.Join(dir, ".accord-src")); err != nil {
				t.Fatal(err)
			}
			var out []byte
			for _, command := range commands {
				if strings.HasPrefix(command, "git clone ") {
					continue // made above
				}
				command = strings.ReplaceAll(command, "${{ github.base_ref }}", "main")
				cmd := exec.Command("sh", "-c", command)
				cmd.Dir, cmd.Env = dir, env
				if out, err = cmd.CombinedOutput(); err != nil {
					t.Fatalf("%s: %v\n%s", command, err, out)
				}
			}
			if name == "github" && !bytes.Contains(out, []byte("::notice file=schemas/order.avsc::compatible with origin/main")) {
				t.Errorf("the GitHub recipe's check said:\n%s", out)
			}
			if name == "gitlab" {
				report, err := os.ReadFile(filepath.Join(dir, "accord-check.xml"))
				if err != nil || !bytes.Contains(report, []byte(`<testsuite name="accord check" tests="1" failures="0">`)) {
					t.Errorf("the JUnit report: %v\n%s", err, report)
				}
			}
		})
	}
}

// yamlCommands are the shell commands of a CI recipe: the values of lines starting with
// prefix ("- run: " in GitHub Actions; "- " under GitLab's script:), comments removed.
func yamlCommands(block, prefix string) []string {
	var commands []string
	inScript := prefix != "- "
	for _, line := range strings.Split(block, "\n") {
		trimmed := strings.TrimSpace(line)
		if prefix == "- " {
			if strings.HasSuffix(trimmed, ":") || (!strings.HasPrefix(trimmed, "- ") && trimmed != "") {
				inScript = trimmed == "script:"
				continue
			}
		}
		if !inScript || !strings.HasPrefix(trimmed, prefix) {
			continue
		}
		command := strings.TrimPrefix(trimmed, prefix)
		if i := strings.Index(command, "   #"); i >= 0 {
			command = strings.TrimSpace(command[:i])
		}
		commands = append(commands, command)
	}
	return commands
}

// schemaRepo is a repository of schemas as the recipes expect one: an accord.yaml, a
// schema in origin/main, and a pull request's compatible change to it.
func schemaRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@example.com",
			"GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", args, err, out)
		}
	}
	write("accord.yaml", "schemas:\n  - file: schemas/order.avsc\n    subject: orders-value\n")
	write("schemas/order.avsc", `{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}`)
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "v1")
	git("update-ref", "refs/remotes/origin/main", "HEAD")
	write("schemas/order.avsc", `{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"note","type":"string","default":""}]}`)
	return dir
}

// TestDockerignoreLeavesOutTestInstalls: what `make test` installs or starts in the tree
// (hundreds of MB) stays out of `docker build`'s context. The patterns are matched as
// Docker matches these simple ones: from the context's root, "**/" for any directory.
func TestDockerignoreLeavesOutTestInstalls(t *testing.T) {
	text, err := os.ReadFile("../../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, line := range strings.Split(string(text), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			patterns = append(patterns, line)
		}
	}
	ignored := func(path string) bool {
		parts := strings.Split(path, "/")
		for _, p := range patterns {
			rest, anyDir := strings.CutPrefix(p, "**/")
			for start := range parts {
				if start > 0 && !anyDir {
					break
				}
				for end := start + 1; end <= len(parts); end++ {
					if ok, _ := filepath.Match(rest, strings.Join(parts[start:end], "/")); ok && (anyDir || start == 0) {
						return true
					}
				}
			}
		}
		return false
	}
	for _, path := range []string{
		"test/clients/node/node_modules/x/index.js",
		"test/clients/python/.venv/bin/python",
		"test/schemathesis/.venv/bin/python",
		".kafka/bootstrap",
		"bin/accord",
		"accord-data/log",
	} {
		if !ignored(path) {
			t.Errorf(".dockerignore lets %s into the build context", path)
		}
	}
	for _, path := range []string{"go.mod", "cmd/accord/main.go", "compat/testdata/x.json", "compat/protobuf/bundled/confluent/meta.proto"} {
		if ignored(path) {
			t.Errorf(".dockerignore leaves out %s, which the build needs", path)
		}
	}
}
