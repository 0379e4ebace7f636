package main

import (
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/accord-registry/accord/serde/sertest"
)

// subcommands is every command of accord, the client commands included.
func subcommands() [][]string {
	cmds := [][]string{{"serve"}, {"check"}, {"bench"}, {"passwd"}, {"log"}, {"log", "verify"}, {"log", "repair"}}
	var client []string
	for name := range clientCommands() {
		client = append(client, name)
	}
	sort.Strings(client)
	for _, name := range client {
		cmds = append(cmds, []string{name})
	}
	return cmds
}

// TestHelpExitsZero: -h and --help print the command's usage and exit 0, for every command:
// help was asked for and given. The usage goes to stdout (check's to stderr, as before), and
// no "flag: help requested" error follows it.
func TestHelpExitsZero(t *testing.T) {
	for _, cmd := range subcommands() {
		for _, help := range []string{"-h", "--help"} {
			args := append(append([]string{}, cmd...), help)
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				code, stdout, stderr := runAccord(args...)
				if code != 0 {
					t.Errorf("exit %d, want 0; stderr:\n%s", code, stderr)
				}
				usage := stdout
				if cmd[0] == "check" {
					usage = stdout + stderr
				}
				if !strings.Contains(strings.ToLower(usage), "usage:") || !strings.Contains(usage, "accord "+cmd[0]) {
					t.Errorf("no usage printed:\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
				}
				if strings.Contains(stderr, "help requested") {
					t.Errorf("help reported as an error:\n%s", stderr)
				}
			})
		}
	}
}

// TestErrorsAloneWithoutUsage: a mistake in a file or value given to a command is printed
// alone, on one line, with exit 2; the usage is printed for usage errors only.
func TestErrorsAloneWithoutUsage(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.avsc")
	aFile := filepath.Join(dir, "file")
	if err := os.WriteFile(aFile, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	registry := "http://127.0.0.1:1" // never reached: the input is refused first
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"register", "--registry", registry, "x", missing}, "no such file"},
		{[]string{"register", "--registry", registry, "x", aFile}, "cannot tell the schema type"},
		{[]string{"import", "--registry", registry, filepath.Join(dir, "no-export")}, "no such file"},
		{[]string{"export", "--registry", registry, filepath.Join(aFile, "sub")}, "not a directory"},
		{[]string{"serve", "--auth-file", missing}, "no such file"},
		{[]string{"serve", "--log-level", "loud"}, "--log-level"},
		{[]string{"bench", "--cpuprofile", filepath.Join(aFile, "cpu.prof")}, "not a directory"},
		{[]string{"check", missing, missing}, "no such file"},
	} {
		t.Run(strings.Join(tc.args[:1], " "), func(t *testing.T) {
			code, _, stderr := runAccord(tc.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr does not say %q:\n%s", tc.want, stderr)
			}
			if strings.Contains(stderr, "Usage:") || strings.Contains(stderr, "Flags:") || strings.Count(stderr, "\n") > 1 {
				t.Errorf("more than the error printed:\n%s", stderr)
			}
		})
	}
}

// TestUsageErrorsShowTheUsage: a command called the wrong way prints what is wrong, then
// its usage, and exits 2; the flag package's message is printed once.
func TestUsageErrorsShowTheUsage(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--no-such-flag"},
		{"serve", "extra"},
		{"bench", "--no-such-flag"},
		{"bench", "extra"},
		{"passwd", "--no-such-flag"},
		{"passwd", "alice", "bob"},
		{"log", "verify", "--no-such-flag"},
		{"get", "--registry", "http://127.0.0.1:1"},
		{"subjects", "--no-such-flag"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, _, stderr := runAccord(args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
			}
			if !strings.Contains(strings.ToLower(stderr), "usage: accord "+args[0]) {
				t.Errorf("no usage printed:\n%s", stderr)
			}
			if strings.Count(stderr, "no-such-flag") > 1 {
				t.Errorf("the error printed twice:\n%s", stderr)
			}
		})
	}
}

// TestUnreachableRegistry: a registry that cannot be reached exits 2 from every command
// that talks to one (check included: no verdict), with one line naming the URL once, its
// password redacted.
func TestUnreachableRegistry(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	url := "http://ops:s3cret@" + addr
	dir := t.TempDir()
	t.Chdir(dir) // check reads files inside the working directory only
	schema := filepath.Join(dir, "s.avsc")
	if err := os.WriteFile(schema, []byte(`"string"`), 0o600); err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(dir, "export")
	if code, _, stderr := runAccord("export", "--registry", emptyRegistry(t), export); code != 0 {
		t.Fatalf("export: %d\n%s", code, stderr)
	}
	for _, args := range [][]string{
		{"subjects"}, {"versions", "s"}, {"get", "s"}, {"register", "s", schema}, {"delete", "s"},
		{"config"}, {"mode", "--set", "READONLY"}, {"export", filepath.Join(dir, "out")}, {"import", export},
		{"check", "--subject", "s", schema},
	} {
		t.Run(args[0], func(t *testing.T) {
			code, _, stderr := runAccord(append(append(args[:1:1], "--registry", url), args[1:]...)...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, "cannot reach the registry") {
				t.Errorf("stderr does not say the registry cannot be reached:\n%s", stderr)
			}
			if n := strings.Count(stderr, addr); n != 1 {
				t.Errorf("the address is named %d times, want once:\n%s", n, stderr)
			}
			if strings.Contains(stderr, "s3cret") || strings.Contains(stderr, "unable to") {
				t.Errorf("stderr shows the password or the client library's wording:\n%s", stderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("more than one line:\n%s", stderr)
			}
		})
	}
}

// TestRegistryRefusalExitsOne: a registry that answers with an error exits 1 with its error
// code, from the client commands.
func TestRegistryRefusalExitsOne(t *testing.T) {
	code, _, stderr := runAccord("versions", "--registry", emptyRegistry(t), "no-such-subject")
	if code != 1 || !strings.Contains(stderr, "error code 40401") {
		t.Errorf("exit %d, want 1 with error code 40401; stderr:\n%s", code, stderr)
	}
}

// emptyRegistry starts a registry for the test and returns its URL.
func emptyRegistry(t *testing.T) string {
	t.Helper()
	r, err := sertest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r.URL()
}

// TestRegisterHintsAtReference: a schema that names a type the registry cannot resolve is
// refused (exit 1) with the registry's message and a hint at --reference.
func TestRegisterHintsAtReference(t *testing.T) {
	dir := t.TempDir()
	order := filepath.Join(dir, "order.avsc")
	text := `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"total","type":"com.acme.Money"}]}`
	if err := os.WriteFile(order, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runAccord("register", "--registry", emptyRegistry(t), "orders-value", order)
	if code != 1 || !strings.Contains(stderr, "com.acme.Money") {
		t.Fatalf("exit %d, want 1 with the registry's message; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "--reference com.acme.Money=SUBJECT:VERSION") {
		t.Errorf("no hint at --reference:\n%s", stderr)
	}
}
