package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Passwords are stored as bcrypt hashes ("$2a$…", "$2b$…", "$2y$…", what htpasswd -B and most
// tools write) or argon2id hashes in the PHC string format
// ("$argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>", base64 without padding).

// argon2id parameters of HashArgon2id: RFC 9106's second recommended option, with the
// memory cost lowered to 64 MiB so that a verification costs ~50 ms on a small server.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
	argonSaltLen = 16
)

// bcryptCost is the cost of HashBcrypt: bcrypt's default.
const bcryptCost = bcrypt.DefaultCost

// HashBcrypt returns a bcrypt hash of password.
func HashBcrypt(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	return string(h), err
}

// HashArgon2id returns an argon2id hash of password in the PHC string format.
func HashArgon2id(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// errUnknownHash is a stored hash of a scheme this package does not verify.
var errUnknownHash = errors.New("not a bcrypt ($2a$, $2b$, $2y$) or argon2id ($argon2id$) hash")

// checkHash validates a stored hash's form, so that a typo in the users file is an error
// when it is loaded rather than a user who can never log in.
func checkHash(hash string) error {
	switch {
	case isBcrypt(hash):
		_, err := bcrypt.Cost([]byte(hash))
		return err
	case strings.HasPrefix(hash, "$argon2id$"):
		_, err := parseArgon2id(hash)
		return err
	}
	return errUnknownHash
}

// verify reports whether password matches a stored hash, in time that does not depend on
// where they differ.
func verify(hash, password string) bool {
	switch {
	case isBcrypt(hash):
		return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
	case strings.HasPrefix(hash, "$argon2id$"):
		p, err := parseArgon2id(hash)
		if err != nil {
			return false
		}
		key := argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
		return subtle.ConstantTimeCompare(key, p.key) == 1
	}
	return false
}

func isBcrypt(hash string) bool {
	return strings.HasPrefix(hash, "$2a$") || strings.HasPrefix(hash, "$2b$") || strings.HasPrefix(hash, "$2y$")
}

// argonParams is a parsed argon2id PHC string.
type argonParams struct {
	time, memory uint32
	threads      uint8
	salt, key    []byte
}

// parseArgon2id reads "$argon2id$v=19$m=…,t=…,p=…$salt$key", bounding the costs so that a
// hostile users file cannot make one login take minutes or gigabytes.
func parseArgon2id(hash string) (argonParams, error) {
	var p argonParams
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, errors.New("argon2id: want $argon2id$v=19$m=…,t=…,p=…$salt$hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, fmt.Errorf("argon2id: version %q, want v=%d", parts[2], argon2.Version)
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, fmt.Errorf("argon2id: parameters %q: %w", parts[3], err)
	}
	if p.memory < 8 || p.memory > 1<<20 || p.time < 1 || p.time > 16 || p.threads < 1 {
		return p, fmt.Errorf("argon2id: parameters %q out of range (m ≤ 1 GiB, t ≤ 16)", parts[3])
	}
	var err error
	if p.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(p.salt) < 8 {
		return p, errors.New("argon2id: the salt is not base64 of at least 8 bytes")
	}
	if p.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(p.key) < 16 {
		return p, errors.New("argon2id: the hash is not base64 of at least 16 bytes")
	}
	return p, nil
}
