// Package localkms is the "local-kms" driver: a KEK derived from a secret the clients share,
// with no key management service at all. It is meant for development and tests, and for the
// first steps with field encryption; anyone who has the secret can unwrap every DEK.
//
// The construction is Confluent's (LocalKmsClient in Python, localkms in Go, LocalKmsDriver
// in Java), byte for byte, so that DEKs wrapped by any of them open here and the reverse:
// the KEK is 16 bytes of HKDF-SHA256 over the UTF-8 secret, with no salt and no info, used
// as a raw AES-128-GCM key, so a wrapped DEK is a 12-byte IV, the ciphertext and a 16-byte
// tag. The KEK's kmsKeyId plays no part in the cryptography.
package localkms

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/tink-crypto/tink-go/v2/aead/subtle"
	"github.com/tink-crypto/tink-go/v2/tink"
	"golang.org/x/crypto/hkdf"
)

// Type is the kmsType this driver serves.
const Type = "local-kms"

// SecretConfig is the rule configuration key of the secret; SecretEnv is the environment
// variable read when the configuration has none.
const (
	SecretConfig = "secret"
	SecretEnv    = "LOCAL_SECRET"
)

// Driver opens local KEKs. Its zero value is ready to use.
type Driver struct{}

// New returns the local-kms driver.
func New() Driver { return Driver{} }

// Type returns "local-kms".
func (Driver) Type() string { return Type }

// AEAD returns the KEK derived from the configuration's secret, else from $LOCAL_SECRET.
// kmsKeyID is not used.
func (Driver) AEAD(_ context.Context, _ string, config map[string]string) (tink.AEAD, error) {
	secret := config[SecretConfig]
	if secret == "" {
		secret = os.Getenv(SecretEnv)
	}
	if secret == "" {
		return nil, errors.New("localkms: no secret: set the rule configuration's \"secret\" or " + SecretEnv)
	}
	return NewAEAD(secret)
}

// NewAEAD returns the KEK of secret.
func NewAEAD(secret string) (tink.AEAD, error) {
	key := make([]byte, 16)
	if _, err := io.ReadFull(hkdf.New(sha256.New, []byte(secret), nil, nil), key); err != nil {
		return nil, fmt.Errorf("localkms: derive key: %w", err)
	}
	a, err := subtle.NewAESGCM(key)
	if err != nil {
		return nil, fmt.Errorf("localkms: %w", err)
	}
	return a, nil
}
