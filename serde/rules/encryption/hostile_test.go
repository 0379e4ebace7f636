package encryption

import (
	"strings"
	"testing"

	"github.com/accord-registry/accord/serde/deks"
	"github.com/accord-registry/accord/serde/kms/localkms"
	"github.com/accord-registry/accord/serde/rules"
)

// TestLatestDEKWithAnImpossibleVersion: a registry (broken, or not Accord) that answers the
// latest DEK with a version a ciphertext cannot name (0, negative, beyond 2^31-1) must not
// get records encrypted under a 4-byte prefix that wraps to another version: nobody could
// read them back. The producer fails instead.
func TestLatestDEKWithAnImpossibleVersion(t *testing.T) {
	for _, version := range []int{0, -5, 1 << 31, 1<<32 + 1} {
		f, reg := newFake(t)
		e := NewFieldExecutor(testConfig(reg, newClock(1_700_000_000_000)))
		params := localParams(ParamDEKExpiryDays, "30")
		f.putKEK(deks.KEK{Name: "kek1", KMSType: "local-kms", KMSKeyID: "mykey", TS: 1})
		raw, err := newKeyMaterial(deks.AES256GCM)
		if err != nil {
			t.Fatal(err)
		}
		aead, err := localkms.NewAEAD(testSecret)
		if err != nil {
			t.Fatal(err)
		}
		wrapped, err := aead.Encrypt(raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		f.putDEK(deks.DEK{KEKName: "kek1", Subject: "s", Version: version, Algorithm: deks.AES256GCM,
			EncryptedKeyMaterial: encodeString(wrapped), TS: 1_700_000_000_000})
		out, err := fieldErr(e, ruleContext(rules.Write, "s", params), rules.FieldBytes, []byte("secret"))
		if err == nil || !strings.Contains(err.Error(), "version") {
			t.Errorf("version %d: encrypted to %x, %v; want an error naming the version", version, out, err)
		}
	}
}
