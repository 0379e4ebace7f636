package encryption

import (
	"encoding/base64"
	"fmt"
	"math"
	"unsafe"

	"github.com/accord-registry/accord/serde/deks"
	"github.com/accord-registry/accord/serde/rules"
)

// TransformField encrypts (Write) or decrypts (Read) one field value. A STRING field
// becomes the standard base64 of its ciphertext, a BYTES field the ciphertext itself; other
// types cannot be encrypted. On read, a value that is not of its field's type is returned as
// it is, and nil stays nil.
func (t *transform) TransformField(rc *rules.Context, f rules.Field, value any) (any, error) {
	if value == nil {
		return nil, nil
	}
	switch rc.Mode {
	case rules.Write:
		return t.encryptField(rc, f.Type, value)
	case rules.Read:
		return t.decryptField(rc, f.Type, value)
	}
	return nil, fmt.Errorf("unsupported rule mode %s", rc.Mode)
}

func (t *transform) encryptField(rc *rules.Context, typ rules.FieldType, value any) (any, error) {
	plaintext, ok := toBytes(typ, value)
	if !ok {
		return nil, fmt.Errorf("type %s not supported for encryption", typ)
	}
	ciphertext, err := t.encrypt(rc, plaintext)
	if err != nil {
		return nil, err
	}
	if typ == rules.FieldString {
		return base64String(ciphertext), nil
	}
	return ciphertext, nil
}

// base64String is base64.StdEncoding.EncodeToString with one allocation rather than two:
// the encoded bytes become the string, since nothing else holds them.
func base64String(b []byte) string {
	buf := make([]byte, base64.StdEncoding.EncodedLen(len(b)))
	base64.StdEncoding.Encode(buf, b)
	return unsafe.String(unsafe.SliceData(buf), len(buf))
}

func (t *transform) decryptField(rc *rules.Context, typ rules.FieldType, value any) (any, error) {
	var ciphertext []byte
	switch v := value.(type) {
	case string:
		if typ != rules.FieldString {
			return value, nil
		}
		var err error
		if ciphertext, err = base64.StdEncoding.DecodeString(v); err != nil {
			return nil, fmt.Errorf("encrypted field is not base64: %w", err)
		}
	case []byte:
		if typ != rules.FieldBytes {
			return value, nil
		}
		ciphertext = v
	default:
		return value, nil
	}
	plaintext, err := t.decrypt(rc, ciphertext)
	if err != nil {
		return nil, err
	}
	if typ == rules.FieldString {
		// plaintext is this call's own (the cipher's output, or the decoded base64 it was
		// opened in place of): nothing else holds it, so it becomes the string uncopied.
		return unsafe.String(unsafe.SliceData(plaintext), len(plaintext)), nil
	}
	return plaintext, nil
}

// encrypt encrypts with the current DEK: version 1, or the latest when DEKs rotate, whose
// version then prefixes the ciphertext.
func (t *transform) encrypt(rc *rules.Context, plaintext []byte) ([]byte, error) {
	version := 1
	if t.rotates() {
		version = deks.Latest
	}
	d, c, err := t.dek(rc, version)
	if err != nil {
		return nil, err
	}
	ciphertext, err := c.encrypt(plaintext)
	if err != nil {
		return nil, err
	}
	if t.rotates() {
		if d.Version < 1 || d.Version > math.MaxInt32 {
			// The 4-byte prefix could not name it: nobody could read the record back.
			return nil, fmt.Errorf("the registry answered dek version %d of kek %s, subject %s, which a ciphertext cannot name", d.Version, t.kek.Name, rc.Subject)
		}
		return withVersion(d.Version, ciphertext), nil
	}
	return ciphertext, nil
}

// decrypt decrypts with the DEK the ciphertext names (version 1 when DEKs do not rotate).
func (t *transform) decrypt(rc *rules.Context, ciphertext []byte) ([]byte, error) {
	version := 1
	if t.rotates() {
		var err error
		if version, ciphertext, err = splitVersion(ciphertext); err != nil {
			return nil, err
		}
	}
	_, c, err := t.dek(rc, version)
	if err != nil {
		return nil, err
	}
	return c.decrypt(ciphertext)
}

// toBytes returns the bytes of a STRING or BYTES value; false for other types, and for a
// value that is not of its field's type.
func toBytes(typ rules.FieldType, value any) ([]byte, bool) {
	switch typ {
	case rules.FieldString:
		// The string's own bytes, not a copy: the ciphers only read their plaintext.
		s, ok := value.(string)
		return unsafe.Slice(unsafe.StringData(s), len(s)), ok
	case rules.FieldBytes:
		b, ok := value.([]byte)
		return b, ok
	}
	return nil, false
}
