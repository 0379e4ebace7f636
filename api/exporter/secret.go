package exporter

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// An exporter's config is a Schema Registry client's configuration for the destination, and
// some of its values are credentials: the basic-auth user info, a bearer token, an OAuth
// client secret, a key store password, PEM private key material. The API never answers them
// (GET shows Masked instead), and with a password encoder secret (Confluent's
// password.encoder.secret) they are kept encrypted in the exporters' store, so that whoever
// reads the `_exporter_configs` topic or the data directory does not get them.

// Masked is what the API answers in place of a secret config value. A PUT that sends it
// back for a key keeps the stored value, so a client may write back what it read.
const Masked = "[hidden]"

// IsSecretKey reports whether the config key's value is a credential.
func IsSecretKey(key string) bool {
	k := strings.ToLower(key)
	for _, word := range []string{"password", "secret", "user.info", "token", "credentials.info"} {
		if strings.Contains(k, word) {
			return true
		}
	}
	// Private key material given inline (ssl.keystore.key, a *.key.pem value); the
	// *.key.location keys only name a file.
	return strings.HasSuffix(k, ".key") || strings.Contains(k, "keystore.key") || strings.HasSuffix(k, "key.pem")
}

// mask returns config with every secret value replaced by Masked, and the password of
// every URL of schema.registry.url that holds credentials too.
func mask(config map[string]string) map[string]string {
	out := make(map[string]string, len(config))
	for k, v := range config {
		switch {
		case IsSecretKey(k):
			v = Masked
		case k == URLKey:
			v = maskURLs(v)
		}
		out[k] = v
	}
	return out
}

// maskURLs replaces the password of each URL of a comma-separated list ("user:password@")
// with Masked, keeping the rest as written. A value sealed at rest is masked whole.
func maskURLs(list string) string {
	if strings.HasPrefix(list, encryptedPrefix) {
		return Masked
	}
	parts := strings.Split(list, ",")
	for i, raw := range parts {
		scheme, rest, ok := strings.Cut(raw, "://")
		if !ok {
			continue
		}
		host := rest
		if end := strings.IndexAny(rest, "/?#"); end >= 0 {
			host = rest[:end]
		}
		at := strings.LastIndexByte(host, '@')
		if at < 0 {
			continue
		}
		user, _, _ := strings.Cut(host[:at], ":")
		parts[i] = scheme + "://" + user + ":" + Masked + rest[at:]
	}
	return strings.Join(parts, ",")
}

// hasURLCredentials reports whether a schema.registry.url value carries credentials.
func hasURLCredentials(list string) bool { return maskURLs(list) != list }

// encryptedPrefix marks a value sealed by a secretBox, in the stored record.
const encryptedPrefix = "encrypted:v1:"

// secretBox seals config values with AES-256-GCM under a key derived from the password
// encoder secret. The zero value (no secret) keeps values in clear and opens only clear ones.
type secretBox struct {
	aead cipher.AEAD
}

func newSecretBox(secret string) (secretBox, error) {
	if secret == "" {
		return secretBox{}, nil
	}
	key := sha256.Sum256([]byte("accord exporter config\x00" + secret))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return secretBox{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return secretBox{}, err
	}
	return secretBox{aead: aead}, nil
}

// seal returns config with its secret values encrypted; the key is the associated data, so
// a value cannot be moved to another key.
func (b secretBox) seal(config map[string]string) map[string]string {
	out := make(map[string]string, len(config))
	for k, v := range config {
		secret := IsSecretKey(k) || (k == URLKey && hasURLCredentials(v))
		if b.aead != nil && secret && !strings.HasPrefix(v, encryptedPrefix) {
			nonce := make([]byte, b.aead.NonceSize())
			_, _ = rand.Read(nonce) // crypto/rand.Read never fails
			v = encryptedPrefix + base64.StdEncoding.EncodeToString(b.aead.Seal(nonce, nonce, []byte(v), []byte(k)))
		}
		out[k] = v
	}
	return out
}

// errNoSecret is returned for a sealed value when the manager has no secret.
var errNoSecret = errors.New("the exporter's config holds encrypted values and no password encoder secret is configured")

// open returns config with its sealed values in clear. A value stored in clear (written
// before a secret was configured) is returned as it is.
func (b secretBox) open(config map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(config))
	for k, v := range config {
		sealed, ok := strings.CutPrefix(v, encryptedPrefix)
		if ok {
			clear, err := b.openValue(k, sealed)
			if err != nil {
				return nil, fmt.Errorf("config key %s: %w", k, err)
			}
			v = clear
		}
		out[k] = v
	}
	return out, nil
}

func (b secretBox) openValue(key, sealed string) (string, error) {
	if b.aead == nil {
		return "", errNoSecret
	}
	data, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(data) < b.aead.NonceSize() {
		return "", errors.New("malformed encrypted value")
	}
	n := b.aead.NonceSize()
	clear, err := b.aead.Open(nil, data[:n], data[n:], []byte(key))
	if err != nil {
		return "", errors.New("cannot decrypt the value: was the password encoder secret changed?")
	}
	return string(clear), nil
}
