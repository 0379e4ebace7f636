package store

import (
	"context"
	"errors"
	"slices"
	"unicode"
)

// The DEK Registry (Confluent's /dek-registry/v1) keeps the keys of client-side field
// encryption: key encryption keys (KEKs), which name a key in a KMS, and data encryption keys
// (DEKs), which encrypt fields and are stored only wrapped by their KEK. A Store opened on its
// own log (the `_dek_registry_keys` topic, or its own directory) serves it, so that the keys
// share the schema store's durability, fencing and readiness without a copy of them.

// The DEK algorithms (Confluent's DekFormat), in the order Confluent sorts them.
const (
	DekAES128GCM = "AES128_GCM"
	DekAES256GCM = "AES256_GCM"
	DekAES256SIV = "AES256_SIV"
)

// dekAlgorithms is every DekFormat, in its enum order.
var dekAlgorithms = []string{DekAES128GCM, DekAES256GCM, DekAES256SIV}

// ValidDekAlgorithm reports whether s names a DekFormat.
func ValidDekAlgorithm(s string) bool { return slices.Contains(dekAlgorithms, s) }

// DefaultMaxKeys is Confluent's dek.registry.max.keys: how many KEKs, and how many DEKs, a
// registry may hold.
const DefaultMaxKeys = 20000

// MaxKeyFieldBytes bounds a KEK's doc, its kmsProps (keys and values together) and a DEK's
// encryptedKeyMaterial. The registry holds every key in memory, up to MaxKeys of each, and
// these fields are a few hundred bytes in practice (a wrapped AES key, a KMS key's
// alternates); Confluent's own bound is Kafka's message size.
const MaxKeyFieldBytes = 64 << 10

// checkKekFields refuses a doc or kmsProps over MaxKeyFieldBytes.
func checkKekFields(doc *string, props map[string]string) error {
	if doc != nil && len(*doc) > MaxKeyFieldBytes {
		return errInvalidKey("doc")
	}
	n := 0
	for k, v := range props {
		n += len(k) + len(v)
	}
	if n > MaxKeyFieldBytes {
		return errInvalidKey("kmsProps")
	}
	return nil
}

// kekNameMaxLength is the longest KEK name DekRegistryResource accepts.
const kekNameMaxLength = 256

// dekTestSubject is the subject of the throw-away DEK a KEK test generates.
const dekTestSubject = "__TEST"

// Kek is a key encryption key as the API renders it (Confluent's Kek entity).
type Kek struct {
	Name     string            `json:"name"`
	KmsType  string            `json:"kmsType"`
	KmsKeyID string            `json:"kmsKeyId"`
	KmsProps map[string]string `json:"kmsProps"`
	Doc      *string           `json:"doc,omitempty"`
	Shared   bool              `json:"shared"`
	TS       int64             `json:"ts"`
	Deleted  bool              `json:"deleted"`
	// Offset is the position of the record that last wrote the KEK (Confluent reports it only
	// in the answer of a KEK test).
	Offset int64 `json:"-"`
}

// Dek is a data encryption key as the API renders it (Confluent's Dek entity). KeyMaterial,
// the raw key, is filled only for a shared KEK, whose KMS the registry itself calls; it is
// never persisted.
type Dek struct {
	KekName              string `json:"kekName"`
	Subject              string `json:"subject"`
	Version              int    `json:"version"`
	Algorithm            string `json:"algorithm"`
	EncryptedKeyMaterial string `json:"encryptedKeyMaterial,omitempty"`
	KeyMaterial          string `json:"keyMaterial,omitempty"`
	TS                   int64  `json:"ts"`
	Deleted              bool   `json:"deleted"`
}

// CreateKek is a request to create a KEK (Confluent's CreateKekRequest). KmsType and
// KmsKeyID are pointers because a missing one is a 42271 of its own.
type CreateKek struct {
	Name     string
	KmsType  *string
	KmsKeyID *string
	KmsProps map[string]string
	Doc      *string
	Shared   bool
	Deleted  bool
	// TestSharing makes a shared KEK's creation first prove that the registry can use its KMS.
	TestSharing bool
}

// UpdateKek is a PUT of a KEK. Each field is tri-state: not Set keeps the stored value; Set
// with a nil Value clears it (shared: false); Set with a Value replaces it.
type UpdateKek struct {
	KmsProps Optional[map[string]string]
	Doc      Optional[string]
	Shared   Optional[bool]
	// TestSharing makes an update that leaves the KEK shared first prove the KMS works.
	TestSharing bool
}

// Optional is a JSON field that may be absent, null, or a value.
type Optional[T any] struct {
	Set   bool
	Value *T
}

// CreateDek is a request to create a DEK (Confluent's CreateDekRequest).
type CreateDek struct {
	Subject              string
	Version              int    // 0 means 1
	Algorithm            string // "" means AES256_GCM
	EncryptedKeyMaterial *string
	Deleted              bool
	// Rewrap re-wraps an existing DEK of a shared KEK (under its KMS key's current version)
	// instead of refusing it as existing.
	Rewrap bool
	// Importing is set while the subject is in IMPORT mode: a shared KEK's DEK is then
	// stored without its round trip through the KMS, and returned without key material.
	Importing bool
}

// KMS wraps and unwraps DEK material for shared KEKs, whose KMS the registry calls itself.
// kmsType and kmsKeyID are the KEK's (local-kms, aws-kms, hcvault, ...), kmsProps its
// properties (credentials, alternate key ids). An error that wraps [ErrKMSAccessDenied] is
// answered 403 (40370); any other 500 (50070).
type KMS interface {
	Encrypt(ctx context.Context, kmsType, kmsKeyID string, kmsProps map[string]string, plaintext []byte) ([]byte, error)
	Decrypt(ctx context.Context, kmsType, kmsKeyID string, kmsProps map[string]string, ciphertext []byte) ([]byte, error)
}

// ErrKMSAccessDenied marks a KMS's refusal of the registry's credentials.
var ErrKMSAccessDenied = errors.New("KMS access denied")

// checkKekName applies DekRegistryResource.checkName: 1 to 256 characters, a letter or '_'
// first, then letters, digits, '_' or '-'.
func checkKekName(name string) error {
	runes := []rune(name)
	if len(runes) == 0 || len(runes) > kekNameMaxLength {
		return errInvalidKey("name")
	}
	if !unicode.IsLetter(runes[0]) && runes[0] != '_' {
		return errInvalidKey("name")
	}
	for _, r := range runes[1:] {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-' {
			return errInvalidKey("name")
		}
	}
	return nil
}

// checkDekSubject applies DekRegistryResource.checkSubject: not empty, no ISO control
// character.
func checkDekSubject(subject string) error {
	if subject == "" {
		return errInvalidKey("subject")
	}
	for _, r := range subject {
		if r <= 0x1f || (r >= 0x7f && r <= 0x9f) {
			return errInvalidKey("subject")
		}
	}
	return nil
}

// CheckKekName returns the 42271 a KEK name gets, or nil; the API checks names before other
// path parameters, in Confluent's order.
func CheckKekName(name string) error { return checkKekName(name) }

// CheckDekSubject returns the 42271 a DEK subject gets, or nil.
func CheckDekSubject(subject string) error { return checkDekSubject(subject) }

// dekAlgorithm is the algorithm a request means: AES256_GCM when it names none.
func dekAlgorithm(alg string) string {
	if alg == "" {
		return DekAES256GCM
	}
	return alg
}

func errKeyNotFound(name string) *Error {
	return Errorf(CodeKeyNotFound, "Key '%s' not found", name)
}

func errKeyNotSoftDeleted(name string) *Error {
	return Errorf(CodeKeyNotSoftDeleted, "Key '%s' was not deleted first before being permanently deleted", name)
}

func errKeySoftDeleted(name string) *Error {
	return Errorf(CodeKeySoftDeleted, "Key '%s' must be undeleted first", name)
}

func errKeyExists(name string) *Error {
	return Errorf(CodeKeyExists, "Key '%s' already exists; use a different value", name)
}

func errTooManyKeys(max int) *Error {
	return Errorf(CodeTooManyKeys, "A maximum of %d keys already exist", max)
}

func errInvalidKey(field string) *Error {
	return Errorf(CodeInvalidKey, "Invalid or missing value for field '%s' of key", field)
}

func errKeyReferenceExists(name string) *Error {
	return Errorf(CodeKeyReferenceExists, "One or more references exist to the key '%s'", name)
}

// QualifiedSubject is the spelling the registry stores a subject under (`:.:orders` is
// `orders`), which the policy must allow as well as the spelling a request uses.
func QualifiedSubject(subject string) string { return parseSubject(subject).String() }
