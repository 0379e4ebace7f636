package auth

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const (
	alicePassword = "correct horse"
	bobPassword   = "battery staple"
)

func writeUsers(t *testing.T, path string, users map[string]string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("users:\n")
	for name, hash := range users {
		b.WriteString("  - name: " + name + "\n    password: \"" + hash + "\"\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustHash(t *testing.T, hash func(string) (string, error), password string) string {
	t.Helper()
	h, err := hash(password)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// authenticates reports whether a accepts user and password from a test client.
func authenticates(a *Authenticator, user, password string) bool {
	return a.Check(context.Background(), user, password, "192.0.2.1") == nil
}

func TestAuthenticate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.yaml")
	writeUsers(t, path, map[string]string{
		"alice": mustHash(t, HashBcrypt, alicePassword),
		"bob":   mustHash(t, HashArgon2id, bobPassword),
	})
	a, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		user, password string
		want           bool
	}{
		{"alice", alicePassword, true},
		{"bob", bobPassword, true},
		{"alice", bobPassword, false},
		{"alice", "", false},
		{"bob", bobPassword + " ", false},
		{"carol", alicePassword, false},
		{"", "", false},
	} {
		if got := authenticates(a, tc.user, tc.password); got != tc.want {
			t.Errorf("Authenticate(%q, %q) = %v, want %v", tc.user, tc.password, got, tc.want)
		}
	}
}

// TestVerifiedPairsSkipTheHash: a client sends its credentials with every request; only
// the first of them may pay for the password hash (concurrent first requests share it), and
// a wrong password always does.
func TestVerifiedPairsSkipTheHash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.yaml")
	writeUsers(t, path, map[string]string{"alice": mustHash(t, HashBcrypt, alicePassword)})
	a, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if !authenticates(a, "alice", alicePassword) {
				t.Error("refused the right password")
			}
		})
	}
	wg.Wait()
	first := a.hashed.Load()
	for range 100 {
		authenticates(a, "alice", alicePassword)
	}
	if n := a.hashed.Load(); n != first || first > 100 {
		t.Errorf("hash verifications: %d for 100 concurrent first requests, %d more for 100 later ones; want none later", first, n-first)
	}
	for range 3 {
		authenticates(a, "alice", "wrong")
	}
	if n := a.hashed.Load() - first; n != 3 {
		t.Errorf("3 wrong passwords took the hash %d times, want 3 (never remembered)", n)
	}
}

func TestReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.yaml")
	writeUsers(t, path, map[string]string{"alice": mustHash(t, HashBcrypt, alicePassword)})
	a, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !authenticates(a, "alice", alicePassword) {
		t.Fatal("refused the right password")
	}
	// A new password replaces the old at once, remembered or not.
	writeUsers(t, path, map[string]string{"alice": mustHash(t, HashBcrypt, bobPassword)})
	if err := a.Reload(); err != nil {
		t.Fatal(err)
	}
	if authenticates(a, "alice", alicePassword) || !authenticates(a, "alice", bobPassword) {
		t.Fatal("after a reload, the old password still works or the new one does not")
	}
	// A broken file leaves the users in force.
	if err := os.WriteFile(path, []byte("users: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := a.Reload(); err == nil {
		t.Fatal("a broken file reloaded")
	}
	if !authenticates(a, "alice", bobPassword) {
		t.Fatal("a failed reload dropped the users")
	}
}

func TestBadUsersFiles(t *testing.T) {
	bcrypt := mustHash(t, HashBcrypt, alicePassword)
	for name, tc := range map[string]struct{ text, want string }{
		"plain text password": {"users:\n  - name: a\n    password: hunter2\n", "not a bcrypt"},
		"duplicate user":      {"users:\n  - name: a\n    password: \"" + bcrypt + "\"\n  - name: a\n    password: \"" + bcrypt + "\"\n", "defined twice"},
		"unknown key":         {"users:\n  - name: a\n    passwd: \"" + bcrypt + "\"\n", `line 3: unknown key "passwd"`},
		"no users":            {"users: []\n", "defines no users and no rules"},
		"empty file":          {"", "defines no users and no rules"},
		"no name":             {"users:\n  - password: \"" + bcrypt + "\"\n", "has no name"},
		"hostile argon2id":    {"users:\n  - name: a\n    password: \"$argon2id$v=19$m=99999999,t=3,p=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA\"\n", "out of range"},
		"json":                {`{"users": [{"name": "a", "password": "$2a$04$short"}]}`, "password of \"a\""},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "users")
			if err := os.WriteFile(path, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load: %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

func TestJSONUsersFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.json")
	text := `{"users": [{"name": "alice", "password": "` + mustHash(t, HashBcrypt, alicePassword) + `"}]}`
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !authenticates(a, "alice", alicePassword) {
		t.Fatal("a JSON users file did not authenticate")
	}
}

func TestRules(t *testing.T) {
	hash := mustHash(t, HashBcrypt, alicePassword)
	users := "users:\n  - name: alice\n    password: \"" + hash + "\"\n"
	load := func(t *testing.T, rules string) (*Authenticator, error) {
		path := filepath.Join(t.TempDir(), "users.yaml")
		if err := os.WriteFile(path, []byte(users+rules), 0o600); err != nil {
			t.Fatal(err)
		}
		return Load(path)
	}
	a, err := load(t, `rules:
  - principals: [alice]
    subjects: ["team-?-*", "re:^legacy\\.[a-z]+$", ":.ctx:*"]
    access: write
  - principals: ["*"]
    subjects: ["public"]
    access: read
    global: read
`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		who, subject string
		access       Access
		want         bool
	}{
		{"alice", "team-a-value", Write, true},
		{"alice", "team-a-value", Read, true},
		{"alice", "team-a-value", Admin, false},
		{"alice", "team-ab-value", Write, false},
		{"alice", "legacy.orders", Write, true},
		{"alice", "legacy.orders.v2", Write, false},
		{"alice", ":.ctx:anything", Write, true},
		{"alice", "anything", Read, false},
		{"bob", "public", Read, true},
		{"bob", "public", Write, false},
		{"bob", "team-a-value", Read, false},
	} {
		if got := a.SubjectAllowed(tc.who, tc.subject, tc.access); got != tc.want {
			t.Errorf("SubjectAllowed(%s, %s, %s) = %v, want %v", tc.who, tc.subject, tc.access, got, tc.want)
		}
	}
	if !a.GlobalAllowed("bob", Read) || a.GlobalAllowed("bob", Admin) {
		t.Error("global: read for everyone, admin for nobody")
	}
	if a, err := load(t, "rules: []\n"); err != nil || a.SubjectAllowed("alice", "x", Read) || a.GlobalAllowed("alice", Read) {
		t.Errorf("an empty rule list must allow nothing: %v", err)
	}
	if a, err := load(t, ""); err != nil || !a.SubjectAllowed("alice", "x", Admin) || !a.GlobalAllowed("alice", Admin) {
		t.Errorf("no rules key must allow everything: %v", err)
	}
	for name, tc := range map[string]struct{ rules, want string }{
		"no principals":       {"rules:\n  - subjects: [a]\n    access: read\n", "no principals"},
		"unknown access":      {"rules:\n  - principals: [a]\n    subjects: [a]\n    access: owner\n", "want read, write or admin"},
		"grants nothing":      {"rules:\n  - principals: [a]\n", "grants nothing"},
		"access, no subjects": {"rules:\n  - principals: [a]\n    access: read\n    global: read\n", "without subjects"},
		"bad regexp":          {"rules:\n  - principals: [a]\n    subjects: [\"re:(\"]\n    access: read\n", "subject pattern"},
		"unknown key":         {"rules:\n  - principals: [a]\n    subject: [a]\n", `line 6: unknown key "subject" in rules, item 1`},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := load(t, tc.rules); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load: %v, want an error saying %q", err, tc.want)
			}
		})
	}
}
