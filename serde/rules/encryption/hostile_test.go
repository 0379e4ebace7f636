package encryption

import (
	"context"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/accord-registry/accord/serde/deks"
	"github.com/accord-registry/accord/serde/kms"
	"github.com/accord-registry/accord/serde/kms/localkms"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/tink-crypto/tink-go/v2/tink"
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

// configKMS is a local KMS driver that records the configuration it is opened with.
type configKMS struct {
	mu     sync.Mutex
	config map[string]string
}

func (*configKMS) Type() string { return "local-kms" }

func (d *configKMS) AEAD(ctx context.Context, keyID string, config map[string]string) (tink.AEAD, error) {
	d.mu.Lock()
	d.config = maps.Clone(config)
	d.mu.Unlock()
	return localkms.New().AEAD(ctx, keyID, config)
}

// TestKEKPropsDoNotRedirectTheKMS: a KEK's kmsProps reach the KMS driver over the rule
// configuration (Confluent's AeadWrapper), but not endpoint.url, the KMS endpoint Accord's
// aws-kms driver takes from its configuration: whoever may update a KEK would otherwise
// point every producer's KMS calls, with the raw DEKs they wrap, at a server of theirs.
func TestKEKPropsDoNotRedirectTheKMS(t *testing.T) {
	f, reg := newFake(t)
	f.putKEK(deks.KEK{Name: "kek1", KMSType: "local-kms", KMSKeyID: "mykey", TS: 1,
		KMSProps: map[string]string{"endpoint.url": "https://attacker.example", "region": "eu"}})
	drv := &configKMS{}
	cfg := testConfig(reg, newClock(0))
	cfg.Drivers = kms.NewDrivers(drv)
	field(t, NewFieldExecutor(cfg), ruleContext(rules.Write, "s", localParams()), rules.FieldString, "x")
	drv.mu.Lock()
	defer drv.mu.Unlock()
	if drv.config["endpoint.url"] != "" || drv.config["region"] != "eu" {
		t.Errorf("the driver was opened with %v", drv.config)
	}
}
