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
//
// The checks that do hash are bounded (see Limits): by memory and cores at once, by a wait
// for their turn, and by failures per client address. An unknown user is checked against a
// decoy of the same cost as the users' hashes (see decoy.go).
package auth

import (
	"bytes"
	"context"
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
	"time"

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
	hashed   atomic.Int64
	hashes   *hashLimiter
	failures *failureLimiter
}

// userSet is one reading of the users file, with the pairs verified against it.
type userSet struct {
	hashes map[string]string // user → password hash
	key    []byte            // HMAC key of the verified pairs
	// decoys are verified when the user is unknown, so that an unknown user takes as long
	// to refuse as a wrong password and user names cannot be probed by timing: one per
	// user, of its hash's scheme and cost (decoy.go). fallbackDecoy serves a file without
	// users.
	decoys        []string
	fallbackDecoy string

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

// ErrBadCredentials is a user name and password that do not match the users file.
var ErrBadCredentials = errors.New("bad credentials")

// Load reads a users file, with the default Limits.
func Load(path string) (*Authenticator, error) { return LoadLimited(path, Limits{}) }

// LoadLimited reads a users file; its checks are bounded by limits.
func LoadLimited(path string, limits Limits) (*Authenticator, error) {
	limits = limits.withDefaults()
	a := &Authenticator{path: path, hashes: newHashLimiter(limits), failures: newFailureLimiter(limits, time.Now)}
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

// Check returns nil when user and password are a user of the file and its password,
// ErrBadCredentials when they are not, and a *Throttled when they were not checked: client
// (the caller's IP address) failed too often, or the check found no free turn in time.
func (a *Authenticator) Check(ctx context.Context, user, password, client string) error {
	set := a.users.Load()
	stored, known := set.hashes[user]
	var pair [sha256.Size]byte
	if known {
		pair = set.pairKey(user, password)
		set.mu.RLock()
		_, remembered := set.verified[pair]
		set.mu.RUnlock()
		if remembered {
			return nil
		}
	}
	var valid bool
	var err error
	if known {
		valid, err = a.verifyKnown(ctx, set, pair, stored, password, client)
	} else {
		// An unknown user is never valid, whatever its decoy's check says.
		decoy := set.decoyFor(user)
		_, err = a.limited(ctx, client, decoy, func() bool { return verify(decoy, password) })
	}
	switch {
	case err != nil:
		return err
	case !valid:
		return ErrBadCredentials
	}
	return nil
}

// limited runs a check of hash for client within the limits: it takes a token of the
// client's (given back unless the check fails) and a turn of the hash limiter.
func (a *Authenticator) limited(ctx context.Context, client, hash string, check func() bool) (bool, error) {
	if wait, ok := a.failures.take(client); !ok {
		// Whole seconds, rounded up, as Retry-After will say.
		return false, &Throttled{RetryAfter: max((wait + time.Second - 1).Truncate(time.Second), time.Second), Reason: "too many failed logins from this address"}
	}
	ok, err := a.hashes.run(ctx, hash, check)
	if ok || err != nil { // right, or not checked: no failure
		a.failures.giveBack(client)
	}
	return ok, err
}

// verifyKnown checks a known user's password against its hash and remembers a match.
// Concurrent checks of the same pair share one hash, and one token of the first client's.
func (a *Authenticator) verifyKnown(ctx context.Context, set *userSet, pair [sha256.Size]byte, stored, password, client string) (bool, error) {
	type result struct {
		ok  bool
		err error
	}
	r, _, _ := set.pending.Do(string(pair[:]), func() (any, error) {
		ok, err := a.limited(ctx, client, stored, func() bool {
			a.hashed.Add(1)
			return verify(stored, password)
		})
		if ok {
			set.mu.Lock()
			if len(set.verified) >= maxVerified {
				clear(set.verified)
			}
			set.verified[pair] = struct{}{}
			set.mu.Unlock()
		}
		return result{ok, err}, nil
	})
	res := r.(result)
	return res.ok, res.err
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
	var doc yaml.Node
	if err := yaml.Unmarshal(text, &doc); err != nil {
		return nil, fmt.Errorf("users file %s: %w", path, err)
	}
	if err := checkShape(&doc); err != nil {
		return nil, fmt.Errorf("users file %s: %w", path, err)
	}
	// Known fields only, as checkShape has it; this is the backstop.
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
	if set.decoys, err = makeDecoys(set.hashes); err != nil {
		return nil, err
	}
	if len(set.decoys) == 0 {
		if set.fallbackDecoy, err = HashBcrypt(string(set.key)); err != nil {
			return nil, err
		}
	}
	return set, nil
}
