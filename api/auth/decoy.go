package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"slices"

	"golang.org/x/crypto/bcrypt"
)

// An unknown user is checked against a decoy hash, so that refusing it takes as long as
// refusing a known user's wrong password. One decoy cannot do that when the file mixes
// schemes or costs (bcrypt at cost 10 takes a fraction of argon2id at 64 MiB), so there is
// a decoy per user, of the same scheme and parameters, and an unknown name is checked
// against the decoy a keyed hash of the name picks. Each unknown name therefore always
// costs the same, like a known user, and the costs of unknown names are spread as the
// users' costs are: a name's time does not tell whether it exists.

// decoyFor is the decoy hash an unknown user is checked against.
func (s *userSet) decoyFor(user string) string {
	if len(s.decoys) == 0 {
		return s.fallbackDecoy
	}
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("decoy\x00"))
	m.Write([]byte(user))
	pick := binary.BigEndian.Uint64(m.Sum(nil))
	return s.decoys[pick%uint64(len(s.decoys))]
}

// makeDecoys gives each user a decoy with its hash's scheme and parameters, in the order of
// the user names; users with the same parameters share one.
func makeDecoys(hashes map[string]string) ([]string, error) {
	names := make([]string, 0, len(hashes))
	for name := range hashes {
		names = append(names, name)
	}
	slices.Sort(names)
	byCost := map[string]string{}
	decoys := make([]string, 0, len(names))
	for _, name := range names {
		cost, err := costClass(hashes[name])
		if err != nil {
			return nil, err
		}
		if byCost[cost] == "" {
			if byCost[cost], err = decoyLike(hashes[name]); err != nil {
				return nil, err
			}
		}
		decoys = append(decoys, byCost[cost])
	}
	return decoys, nil
}

// costClass names what a check of hash costs: its scheme and parameters.
func costClass(hash string) (string, error) {
	if isBcrypt(hash) {
		cost, err := bcrypt.Cost([]byte(hash))
		return fmt.Sprintf("bcrypt/%d", cost), err
	}
	p, err := parseArgon2id(hash)
	return fmt.Sprintf("argon2id/m=%d,t=%d,p=%d,len=%d", p.memory, p.time, p.threads, len(p.key)), err
}

// decoyLike is a hash of a random password with the scheme and parameters of hash.
func decoyLike(hash string) (string, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return "", err
	}
	if isBcrypt(hash) {
		cost, _ := bcrypt.Cost([]byte(hash))
		h, err := bcrypt.GenerateFromPassword([]byte(base64.RawStdEncoding.EncodeToString(secret)), cost)
		return string(h), err
	}
	// An argon2id check costs the same whatever the key it is compared with, so the decoy
	// needs no hashing: random salt and key of the stored lengths.
	p, err := parseArgon2id(hash)
	if err != nil {
		return "", err
	}
	salt, key := make([]byte, len(p.salt)), make([]byte, len(p.key))
	rand.Read(salt)
	rand.Read(key)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", p.memory, p.time, p.threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}
