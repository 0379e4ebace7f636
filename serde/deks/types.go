package deks

import (
	"encoding/base64"
	"fmt"
)

// Algorithm is a DEK's algorithm, as the DEK Registry names it.
type Algorithm string

// The algorithms. The registry fills in AES256_GCM when a request names none.
const (
	AES128GCM Algorithm = "AES128_GCM"
	AES256GCM Algorithm = "AES256_GCM"
	AES256SIV Algorithm = "AES256_SIV" // deterministic
)

// Latest asks for the highest version of a DEK.
const Latest = -1

// KEK is a key encryption key: a key of a KMS, by name. Shared KEKs are opened by the
// registry, which then returns DEKs with their raw key material.
type KEK struct {
	Name     string            `json:"name"`
	KMSType  string            `json:"kmsType"`
	KMSKeyID string            `json:"kmsKeyId"`
	KMSProps map[string]string `json:"kmsProps,omitempty"`
	Doc      string            `json:"doc,omitempty"`
	Shared   bool              `json:"shared"`
	TS       int64             `json:"ts,omitempty"` // epoch milliseconds of the last write
	Deleted  bool              `json:"deleted,omitempty"`
}

// CreateKEK is the body of POST /keks. Clients create non-shared KEKs; an administrator
// creates shared ones.
type CreateKEK struct {
	Name     string            `json:"name"`
	KMSType  string            `json:"kmsType"`
	KMSKeyID string            `json:"kmsKeyId"`
	KMSProps map[string]string `json:"kmsProps,omitempty"`
	Doc      string            `json:"doc,omitempty"`
	Shared   bool              `json:"shared"`
}

// DEK is a data encryption key of a subject, wrapped by its KEK. KeyMaterial, the raw key, is
// set when the registry unwrapped it (a shared KEK) or the client did ([Client.SetKeyMaterial]).
type DEK struct {
	KEKName              string    `json:"kekName"`
	Subject              string    `json:"subject"`
	Version              int       `json:"version"`
	Algorithm            Algorithm `json:"algorithm"`
	EncryptedKeyMaterial string    `json:"encryptedKeyMaterial,omitempty"`
	KeyMaterial          string    `json:"keyMaterial,omitempty"`
	TS                   int64     `json:"ts,omitempty"` // epoch milliseconds of creation
	Deleted              bool      `json:"deleted,omitempty"`
}

// EncryptedKeyMaterialBytes decodes the wrapped key (standard base64); nil when absent.
func (d DEK) EncryptedKeyMaterialBytes() ([]byte, error) {
	return decode("encryptedKeyMaterial", d.EncryptedKeyMaterial)
}

// KeyMaterialBytes decodes the raw key (standard base64); nil when absent.
func (d DEK) KeyMaterialBytes() ([]byte, error) { return decode("keyMaterial", d.KeyMaterial) }

func decode(field, s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("deks: %s is not base64: %w", field, err)
	}
	return b, nil
}

// CreateDEK is the body of POST /keks/{kek}/deks/{subject}. EncryptedKeyMaterial is empty
// for a shared KEK, whose registry makes the key.
type CreateDEK struct {
	Subject              string    `json:"subject"`
	Version              int       `json:"version,omitempty"`   // 0: the registry's default, 1
	Algorithm            Algorithm `json:"algorithm,omitempty"` // "": AES256_GCM
	EncryptedKeyMaterial string    `json:"encryptedKeyMaterial,omitempty"`
}

func encode(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
