package encryption

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/accord-registry/accord/serde/deks"
	"github.com/accord-registry/accord/serde/kms"
	"github.com/accord-registry/accord/serde/kms/localkms"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// keyedKMS is a KMS driver whose keys are named: key id k is the local KEK of secret k, so
// that which key wrapped a DEK matters. It counts the keys it opens.
type keyedKMS struct{ opened atomic.Int32 }

func (*keyedKMS) Type() string { return "test-kms" }

func (d *keyedKMS) AEAD(_ context.Context, keyID string, config map[string]string) (tink.AEAD, error) {
	d.opened.Add(1)
	if config["deny"] == keyID {
		return nil, kms.ErrAccessDenied
	}
	return localkms.NewAEAD(keyID)
}

// refusingKMS fails the test if it is asked for a key.
type refusingKMS struct{ t *testing.T }

func (refusingKMS) Type() string { return "local-kms" }

func (d refusingKMS) AEAD(context.Context, string, map[string]string) (tink.AEAD, error) {
	d.t.Error("the KMS was asked for a key")
	return nil, errors.New("no KMS here")
}

// TestSharedKEK: for a shared KEK the DEK is registered without key material, the registry
// returns the raw key, and the KMS is never asked, on write or on read.
func TestSharedKEK(t *testing.T) {
	f, reg := newFake(t)
	f.putKEK(deks.KEK{Name: "kek1", KMSType: "local-kms", KMSKeyID: "mykey", Shared: true, TS: 1})
	cfg := testConfig(reg, newClock(0))
	cfg.Drivers = kms.NewDrivers(refusingKMS{t})
	e := NewFieldExecutor(cfg)
	ct := field(t, e, ruleContext(rules.Write, "s", localParams()), rules.FieldString, "x")
	stored := f.stored("kek1", "s", deks.AES256GCM)
	if len(stored) != 1 || stored[0].KeyMaterial == "" {
		t.Fatalf("stored %+v, want one DEK the registry made", stored)
	}
	_, reg2 := newFakeSharing(t, f)
	cfg.Registry = reg2
	if got := field(t, NewFieldExecutor(cfg), ruleContext(rules.Read, "s", localParams()), rules.FieldString, ct); got != "x" {
		t.Errorf("decrypted %v", got)
	}
}

// TestAlternateKMSKeyIDs: a DEK wrapped with another key than the KEK's opens when that key
// is among the alternates, from the KEK's kmsProps or else the rule configuration; without
// them it does not. The KEK's kmsProps reach the driver over the rule configuration.
func TestAlternateKMSKeyIDs(t *testing.T) {
	oldKey, _ := localkms.NewAEAD("old-key")
	raw, _ := newKeyMaterial(deks.AES256GCM)
	wrapped, _ := oldKey.Encrypt(raw, nil)
	c, _ := newCipher(deks.AES256GCM, raw)
	ct, _ := c.encrypt([]byte("secret value"))
	value := encodeString(ct)

	for _, tc := range []struct {
		name     string
		props    map[string]string
		config   map[string]string
		wantOpen bool
	}{
		{"kmsProps", map[string]string{kms.AlternateKeyIDs: "other-key, old-key"}, nil, true},
		{"rule config", nil, map[string]string{kms.AlternateKeyIDs: "old-key"}, true},
		{"kmsProps before rule config", map[string]string{kms.AlternateKeyIDs: "other-key"}, map[string]string{kms.AlternateKeyIDs: "old-key"}, false},
		{"the first key denied", map[string]string{kms.AlternateKeyIDs: "old-key", "deny": "new-key"}, nil, true},
		{"none", nil, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, reg := newFake(t)
			f.putKEK(deks.KEK{Name: "kek1", KMSType: "test-kms", KMSKeyID: "new-key", KMSProps: tc.props, TS: 1})
			f.putDEK(deks.DEK{KEKName: "kek1", Subject: "s", Version: 1, Algorithm: deks.AES256GCM, EncryptedKeyMaterial: encodeString(wrapped), TS: 1})
			drv := &keyedKMS{}
			cfg := testConfig(reg, newClock(0))
			cfg.Drivers, cfg.RuleConfig = kms.NewDrivers(drv), tc.config
			rc := ruleContext(rules.Read, "s", map[string]string{ParamKEKName: "kek1"})
			got, err := fieldErr(NewFieldExecutor(cfg), rc, rules.FieldString, value)
			if tc.wantOpen && (err != nil || got != "secret value") {
				t.Errorf("got %v, %v", got, err)
			}
			if !tc.wantOpen && err == nil {
				t.Errorf("opened with the wrong keys: %v", got)
			}
			// The DEK is unwrapped once and then cached.
			if tc.wantOpen {
				opened := drv.opened.Load()
				field(t, NewFieldExecutor(cfg), rc, rules.FieldString, value)
				if drv.opened.Load() != opened {
					t.Error("the KMS was asked again for a cached DEK")
				}
			}
		})
	}
}
