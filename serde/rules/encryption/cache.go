package encryption

import (
	"encoding/base64"
	"sync"

	"github.com/accord-registry/accord/serde/deks"
)

// maxCiphers bounds the ciphers an executor keeps. A DEK is one per subject, algorithm and
// rotation, so the bound is rarely reached; when it is, the cache starts over.
const maxCiphers = 10_000

// cipherKey names a DEK by its algorithm and its key material as the registry encodes it
// (standard base64), so that a cached cipher is found without decoding the material again.
type cipherKey struct {
	algorithm deks.Algorithm
	material  string
}

// cipherCache keeps the cipher of each DEK seen, so that a record costs one map lookup
// rather than a key schedule.
type cipherCache struct {
	max int

	mu    sync.RWMutex // guards byKey
	byKey map[cipherKey]cipher
}

func newCipherCache(max int) *cipherCache {
	return &cipherCache{max: max, byKey: make(map[cipherKey]cipher)}
}

// get returns the cipher of d, a DEK of algorithm alg whose KeyMaterial is set, opening it on first use.
func (c *cipherCache) get(alg deks.Algorithm, d deks.DEK) (cipher, error) {
	k := cipherKey{alg, d.KeyMaterial}
	c.mu.RLock()
	ci, ok := c.byKey[k]
	c.mu.RUnlock()
	if ok {
		return ci, nil
	}
	raw, err := base64.StdEncoding.DecodeString(d.KeyMaterial)
	if err != nil {
		return nil, err
	}
	if ci, err = newCipher(alg, raw); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.byKey) >= c.max {
		clear(c.byKey)
	}
	c.byKey[k] = ci
	return ci, nil
}
