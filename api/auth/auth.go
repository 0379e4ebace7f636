// Package auth authenticates the registry's callers, with HTTP Basic credentials checked
// against a users file of bcrypt or argon2id hashes, and decides what each may do, with the
// rules of the same file (see policy.go). The file is re-read as a whole, so users and
// rules always change together.
//
// Password hashes are slow on purpose (tens of milliseconds), and clients send their
// credentials with every request, so a verified pair is remembered: the next request with
// the same user and password costs one HMAC instead of one bcrypt. The memory is an HMAC
// under a key made at start, never the password, and it is dropped whenever the file is
// re-read, so a changed or removed password stops working at once.
package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"go.yaml.in/yaml/v3"
	"golang.org/x/sync/singleflight"
)

// maxVerified bounds the remembered pairs; past it the memory starts over, so that a flood
// of distinct credentials cannot grow it.
const maxVerified = 4096

// Authenticator checks credentials against the users file it was loaded from.
type Authenticator struct {
	path  string
	users atomic.Pointer[userSet]
	// hashed counts password hash verifications, the slow path, for tests to see that a
	// known pair does not take it.
	hashed atomic.Int64
}

// userSet is one reading of the users file, with the pairs verified against it.
type userSet struct {
	hashes map[string]string // user → password hash
	key    []byte            // HMAC key of the verified pairs
	// decoy is verified when the user is unknown, so that an unknown user takes as long
	// to refuse as a wrong password and user names cannot be probed by timing.
	decoy string

	mu       sync.RWMutex
	verified map[[sha256.Size]byte]struct{}
	// macs are keyed HMACs, reset and reused: making one per request allocated.
	macs sync.Pool
	// pending shares one hash verification among concurrent requests with the same pair:
	// a client pool starting cold pays for one bcrypt, not one per connection.
	pending singleflight.Group

	policy policy // nil: no rules, every authenticated caller may do everything
}

// fileFormat is the users file, in YAML or JSON:
//
//	users:
//	  - name: alice
//	    password: "$2a$10$…"   # bcrypt, or $argon2id$v=19$…
//	rules: [...]              # optional, see ruleFormat
type fileFormat struct {
	Users []struct {
		Name     string `yaml:"name"`
		Password string `yaml:"password"`
	} `yaml:"users"`
	// Rules is nil when the file has no rules key (everything allowed), and empty when it
	// has an empty list (nothing allowed).
	Rules *[]ruleFormat `yaml:"rules"`
}

// Load reads a users file.
func Load(path string) (*Authenticator, error) {
	a := &Authenticator{path: path}
	if err := a.Reload(); err != nil {
		return nil, err
	}
	return a, nil
}

// Reload re-reads the users file. On an error the previous users stay in force.
func (a *Authenticator) Reload() error {
	set, err := readUsers(a.path)
	if err != nil {
		return err
	}
	a.users.Store(set)
	return nil
}

// Users is the number of users the file defines.
func (a *Authenticator) Users() int { return len(a.users.Load().hashes) }

// Authenticate reports whether user and password are a user of the file and its password.
func (a *Authenticator) Authenticate(user, password string) bool {
	set := a.users.Load()
	stored, known := set.hashes[user]
	if !known {
		verify(set.decoy, password)
		return false
	}
	pair := set.pairKey(user, password)
	set.mu.RLock()
	_, known = set.verified[pair]
	set.mu.RUnlock()
	if known {
		return true
	}
	ok, _, _ := set.pending.Do(string(pair[:]), func() (any, error) {
		a.hashed.Add(1)
		if !verify(stored, password) {
			return false, nil
		}
		set.mu.Lock()
		if len(set.verified) >= maxVerified {
			clear(set.verified)
		}
		set.verified[pair] = struct{}{}
		set.mu.Unlock()
		return true, nil
	})
	return ok.(bool)
}

// pairKey is the HMAC of a user and password under the set's key.
func (s *userSet) pairKey(user, password string) [sha256.Size]byte {
	m, _ := s.macs.Get().(hash.Hash)
	if m == nil {
		m = hmac.New(sha256.New, s.key)
	}
	m.Reset()
	io.WriteString(m, user)
	m.Write([]byte{0})
	io.WriteString(m, password)
	var k [sha256.Size]byte
	m.Sum(k[:0])
	s.macs.Put(m)
	return k
}

// readUsers reads and checks a users file: every user named once, with a hash of a known
// scheme. Unknown keys are errors, so that a misspelt key does not go unnoticed.
func readUsers(path string) (*userSet, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("users file: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(text))
	dec.KnownFields(true)
	var f fileFormat
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("users file %s: %w", path, err)
	}
	set := &userSet{hashes: make(map[string]string, len(f.Users)), key: make([]byte, 32),
		verified: map[[sha256.Size]byte]struct{}{}}
	for i, u := range f.Users {
		switch {
		case u.Name == "":
			return nil, fmt.Errorf("users file %s: user %d has no name", path, i+1)
		case set.hashes[u.Name] != "":
			return nil, fmt.Errorf("users file %s: user %q is defined twice", path, u.Name)
		}
		if err := checkHash(u.Password); err != nil {
			return nil, fmt.Errorf("users file %s: the password of %q: %w (make one with accord passwd)", path, u.Name, err)
		}
		set.hashes[u.Name] = u.Password
	}
	if f.Rules != nil {
		if set.policy, err = compileRules(*f.Rules); err != nil {
			return nil, fmt.Errorf("users file %s: %w", path, err)
		}
	}
	if len(set.hashes) == 0 && set.policy == nil {
		return nil, fmt.Errorf("users file %s defines no users and no rules: nobody could use the registry", path)
	}
	if _, err := rand.Read(set.key); err != nil {
		return nil, err
	}
	if set.decoy, err = HashBcrypt(string(set.key)); err != nil {
		return nil, err
	}
	return set, nil
}
