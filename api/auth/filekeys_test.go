package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUsersFileMistakesNameTheKey: a misspelt or misplaced key, or a value of the wrong
// shape, is reported with its line, the key, where it is, and what is allowed there, in
// words an operator reads, not Go's type names.
func TestUsersFileMistakesNameTheKey(t *testing.T) {
	bcrypt := mustHash(t, HashBcrypt, alicePassword)
	for name, tc := range map[string]struct {
		text string
		want []string
	}{
		"misspelt user key": {"users:\n  - name: alice\n    pasword: \"" + bcrypt + "\"\n",
			[]string{`line 3: unknown key "pasword" in users, item 1`, "allowed: name, password"}},
		"misspelt rule key": {"users:\n  - name: alice\n    password: \"" + bcrypt + "\"\nrules:\n  - principal: [alice]\n    access: read\n",
			[]string{`line 5: unknown key "principal" in rules, item 1`, "allowed: principals, subjects, keks, access, global"}},
		"misspelt top-level key": {"user:\n  - name: alice\n",
			[]string{`line 1: unknown key "user" at the top level`, "allowed: users, rules"}},
		"json": {"{\n  \"users\": [\n    {\"name\": \"alice\", \"pass\": \"x\"}\n  ]\n}\n",
			[]string{`line 3: unknown key "pass" in users, item 1`, "allowed: name, password"}},
		"users not a list": {"users: alice\n",
			[]string{"line 1: users must be a list"}},
		"user not a mapping": {"users:\n  - alice\n",
			[]string{"line 2: users, item 1 must be a mapping of keys (name, password)"}},
		"principals not a list": {"rules:\n  - principals: alice\n    access: read\n",
			[]string{"line 2: rules, item 1, principals must be a list"}},
		"name not text": {"users:\n  - name: [alice]\n    password: \"" + bcrypt + "\"\n",
			[]string{"line 2: users, item 1, name must be a single value"}},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "users.yaml")
			if err := os.WriteFile(path, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil {
				t.Fatal("Load accepted the file")
			}
			msg := err.Error()
			for _, want := range tc.want {
				if !strings.Contains(msg, want) {
					t.Errorf("Load: %q, want it to say %q", msg, want)
				}
			}
			if !strings.HasPrefix(msg, "users file "+path+": ") {
				t.Errorf("Load: %q, want it to name the file first", msg)
			}
			for _, internal := range []string{"struct", "!!", "unmarshal", "[]"} {
				if strings.Contains(msg, internal) {
					t.Errorf("Load: %q shows Go or YAML internals (%q)", msg, internal)
				}
			}
		})
	}
}
