package encryption

import (
	"bytes"
	"testing"

	"github.com/accord-registry/accord/serde/rules"
)

// FuzzDecrypt reads untrusted bytes as an encrypted BYTES field, with and without rotation,
// GCM and SIV. Invariants: no panic; bytes that decrypt are exactly a plaintext some writer
// encrypted (the seeds), since both ciphers authenticate.
func FuzzDecrypt(f *testing.F) {
	_, reg := newFake(f)
	e := NewFieldExecutor(testConfig(reg, newClock(1_700_000_000_000)))
	paramSets := []map[string]string{
		localParams(),
		localParams(ParamDEKAlgorithm, "AES256_SIV"),
		localParams(ParamDEKExpiryDays, "30"),
	}
	plaintext := []byte("plaintext")
	for i, p := range paramSets {
		ct := field(f, e, ruleContext(rules.Write, "s", p), rules.FieldBytes, plaintext).([]byte)
		f.Add(uint8(i), ct)
		f.Add(uint8(i), ct[:len(ct)-1])
	}
	f.Add(uint8(2), []byte{0, 0, 0, 0})
	f.Add(uint8(2), []byte{1, 0, 0, 0, 1, 2, 3})
	f.Fuzz(func(t *testing.T, which uint8, ct []byte) {
		p := paramSets[int(which)%len(paramSets)]
		out, err := fieldErr(e, ruleContext(rules.Read, "s", p), rules.FieldBytes, ct)
		if err == nil && !bytes.Equal(out.([]byte), plaintext) {
			t.Errorf("%x decrypted to %q", ct, out)
		}
	})
}
