package encryption

import (
	"crypto/rand"
	"fmt"

	"github.com/accord-registry/accord/serde/deks"
	aeadsubtle "github.com/tink-crypto/tink-go/v2/aead/subtle"
	daeadsubtle "github.com/tink-crypto/tink-go/v2/daead/subtle"
	gcmpb "github.com/tink-crypto/tink-go/v2/proto/aes_gcm_go_proto"
	sivpb "github.com/tink-crypto/tink-go/v2/proto/aes_siv_go_proto"
	"google.golang.org/protobuf/proto"
)

// cipher encrypts and decrypts field values with one DEK. Its output is Tink's raw format:
// no 5-byte key prefix, because Confluent's clients build the primitive from the key data
// directly (AES-GCM: 12-byte IV ‖ ciphertext ‖ 16-byte tag; AES-SIV: 16-byte SIV ‖
// ciphertext). Associated data is always empty.
type cipher interface {
	encrypt(plaintext []byte) ([]byte, error)
	decrypt(ciphertext []byte) ([]byte, error)
}

type gcm struct{ p *aeadsubtle.AESGCM }

func (c gcm) encrypt(pt []byte) ([]byte, error) { return c.p.Encrypt(pt, nil) }
func (c gcm) decrypt(ct []byte) ([]byte, error) { return c.p.Decrypt(ct, nil) }

type siv struct{ p *daeadsubtle.AESSIV }

func (c siv) encrypt(pt []byte) ([]byte, error) { return c.p.EncryptDeterministically(pt, nil) }
func (c siv) decrypt(ct []byte) ([]byte, error) { return c.p.DecryptDeterministically(ct, nil) }

// keySize is the AES key length of each algorithm, in bytes (AES-SIV's 64 bytes are two
// 256-bit keys).
func keySize(alg deks.Algorithm) (int, error) {
	switch alg {
	case deks.AES128GCM:
		return 16, nil
	case deks.AES256GCM:
		return 32, nil
	case deks.AES256SIV:
		return 64, nil
	}
	return 0, fmt.Errorf("unsupported dek algorithm %q", alg)
}

// newKeyMaterial makes a DEK's raw key material as Confluent's clients do: the serialized
// Tink key proto (AesGcmKey or AesSivKey, version 0) of a random key, not the bare key.
func newKeyMaterial(alg deks.Algorithm) ([]byte, error) {
	n, err := keySize(alg)
	if err != nil {
		return nil, err
	}
	key := make([]byte, n)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	var m proto.Message = &gcmpb.AesGcmKey{KeyValue: key}
	if alg == deks.AES256SIV {
		m = &sivpb.AesSivKey{KeyValue: key}
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(m)
}

// newCipher opens the key material of a DEK of algorithm alg.
func newCipher(alg deks.Algorithm, material []byte) (cipher, error) {
	n, err := keySize(alg)
	if err != nil {
		return nil, err
	}
	if alg == deks.AES256SIV {
		var k sivpb.AesSivKey
		if err := proto.Unmarshal(material, &k); err != nil {
			return nil, fmt.Errorf("dek key material is not an AesSivKey: %w", err)
		}
		if len(k.KeyValue) != n {
			return nil, fmt.Errorf("dek key material holds a %d-byte key, want %d for %s", len(k.KeyValue), n, alg)
		}
		p, err := daeadsubtle.NewAESSIV(k.KeyValue)
		if err != nil {
			return nil, err
		}
		return siv{p}, nil
	}
	var k gcmpb.AesGcmKey
	if err := proto.Unmarshal(material, &k); err != nil {
		return nil, fmt.Errorf("dek key material is not an AesGcmKey: %w", err)
	}
	if len(k.KeyValue) != n {
		return nil, fmt.Errorf("dek key material holds a %d-byte key, want %d for %s", len(k.KeyValue), n, alg)
	}
	p, err := aeadsubtle.NewAESGCM(k.KeyValue)
	if err != nil {
		return nil, err
	}
	return gcm{p}, nil
}
