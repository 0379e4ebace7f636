package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
)

// errNoKMS is the cause of every shared-KEK operation on a registry started without a KMS.
var errNoKMS = errors.New("this registry has no KMS configured, so it cannot use shared KEKs")

// newDekMaterial generates a raw DEK as Confluent's clients and registry do: the serialized
// Tink key proto (AesGcmKey or AesSivKey, version 0), not bare AES bytes. Field 3
// (key_value) of AesGcmKey is tagged 0x1A, field 2 of AesSivKey 0x12; the length follows.
func newDekMaterial(alg string) ([]byte, error) {
	var tag byte
	var size int
	switch alg {
	case DekAES128GCM:
		tag, size = 0x1a, 16
	case DekAES256GCM:
		tag, size = 0x1a, 32
	case DekAES256SIV:
		tag, size = 0x12, 64
	default:
		return nil, errInvalidKey("algorithm")
	}
	out := make([]byte, 2+size)
	out[0], out[1] = tag, byte(size)
	if _, err := rand.Read(out[2:]); err != nil {
		return nil, Wrap(CodeDekGeneration, err, "Could not generate a random key")
	}
	return out, nil
}

// wrapDek encrypts raw DEK material with the KEK's KMS key and returns it base64-encoded,
// as Confluent's generateEncryptedDek does.
func (s *Store) wrapDek(ctx context.Context, kek *Kek, subject string, raw []byte) (string, error) {
	if s.cfg.KMS == nil {
		return "", kmsError("Could not generate encrypted dek for "+subject, errNoKMS)
	}
	wrapped, err := s.cfg.KMS.Encrypt(ctx, kek.KmsType, kek.KmsKeyID, kek.KmsProps, raw)
	if err != nil {
		return "", kmsError("Could not generate encrypted dek for "+subject, err)
	}
	return base64.StdEncoding.EncodeToString(wrapped), nil
}

// unwrapDek decrypts a DEK's encryptedKeyMaterial with the KEK's KMS key, as Confluent's
// generateRawDek does.
func (s *Store) unwrapDek(ctx context.Context, kek *Kek, subject, encrypted string) ([]byte, error) {
	if s.cfg.KMS == nil {
		return nil, kmsError("Could not generate raw dek for "+subject, errNoKMS)
	}
	wrapped, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil {
		return nil, kmsError("Could not generate raw dek for "+subject, fmt.Errorf("encryptedKeyMaterial is not base64: %w", err))
	}
	raw, err := s.cfg.KMS.Decrypt(ctx, kek.KmsType, kek.KmsKeyID, kek.KmsProps, wrapped)
	if err != nil {
		return nil, kmsError("Could not generate raw dek for "+subject, err)
	}
	return raw, nil
}

// kmsError is Confluent's DekGenerationException: 403 (40370) when the KMS denied access,
// else 500 (50070), with the KMS's message appended.
func kmsError(msg string, err error) *Error {
	code := CodeDekGeneration
	if errors.Is(err, ErrKMSAccessDenied) {
		code = CodeKMSAccessDenied
	}
	return &Error{Code: code, Message: msg + ": " + err.Error(), err: err}
}
