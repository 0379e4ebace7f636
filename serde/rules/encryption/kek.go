package encryption

import (
	"fmt"
	"maps"
	"strconv"
	"sync"

	"github.com/accord-registry/accord/serde/deks"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// transform is one run of an encryption rule on one message: the rule's parameters and its
// KEK, resolved once, and the KMS key, opened when a DEK needs wrapping or unwrapping.
type transform struct {
	x          *executor
	kek        deks.KEK
	algorithm  deks.Algorithm
	expiryDays int

	mu     sync.Mutex // guards kmsKey
	kmsKey tink.AEAD  // nil until opened
}

// newTransform reads the rule's parameters and resolves its KEK.
func (x *executor) newTransform(rc *rules.Context) (*transform, error) {
	name, ok := rc.Param(ParamKEKName)
	if !ok {
		return nil, fmt.Errorf("no kek name found")
	}
	if name == "" {
		return nil, fmt.Errorf("empty kek name")
	}
	t := &transform{x: x, algorithm: deks.AES256GCM}
	if alg, ok := rc.Param(ParamDEKAlgorithm); ok {
		t.algorithm = deks.Algorithm(alg)
		if _, err := keySize(t.algorithm); err != nil {
			return nil, err
		}
	}
	if days, ok := rc.Param(ParamDEKExpiryDays); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("invalid value for %s: %s", ParamDEKExpiryDays, days)
		}
		t.expiryDays = n
	}
	kek, err := x.kek(rc, name)
	if err != nil {
		return nil, err
	}
	t.kek = kek
	return t, nil
}

// kek returns the KEK name: read with deleted KEKs on consume, so that data encrypted before
// a soft delete still opens; created (not shared) on produce when absent, with the rule's KMS
// type and key id. A KEK whose KMS type or key id differs from the rule's is an error.
func (x *executor) kek(rc *rules.Context, name string) (deks.KEK, error) {
	ctx := contextOf(rc)
	isRead := rc.Mode == rules.Read
	kmsType, _ := rc.Param(ParamKMSType)
	kmsKeyID, _ := rc.Param(ParamKMSKeyID)
	kek, err := x.cfg.Registry.KEK(ctx, name, isRead)
	if err == nil {
		return kek, checkKEK(kek, kmsType, kmsKeyID)
	}
	switch {
	case deks.IsNotFound(err) && isRead:
		return deks.KEK{}, fmt.Errorf("no kek found for %s during consume", name)
	case deks.IsNotFound(err) && kmsType == "":
		return deks.KEK{}, fmt.Errorf("no kms type found for %s during produce", name)
	case deks.IsNotFound(err) && kmsKeyID == "":
		return deks.KEK{}, fmt.Errorf("no kms key id found for %s during produce", name)
	case deks.IsNotFound(err):
		kek, err = x.cfg.Registry.CreateKEKOrGet(ctx, deks.CreateKEK{Name: name, KMSType: kmsType, KMSKeyID: kmsKeyID})
		if deks.IsNotFound(err) {
			return deks.KEK{}, fmt.Errorf("no kek found for %s during produce", name)
		}
	}
	if err != nil {
		return deks.KEK{}, err
	}
	return kek, checkKEK(kek, kmsType, kmsKeyID)
}

// checkKEK refuses a KEK whose KMS type or key id differs from the rule's, when it sets them.
func checkKEK(kek deks.KEK, kmsType, kmsKeyID string) error {
	if kmsType != "" && kmsType != kek.KMSType {
		return fmt.Errorf("found %s with kms type %s which differs from rule kms type %s", kek.Name, kek.KMSType, kmsType)
	}
	if kmsKeyID != "" && kmsKeyID != kek.KMSKeyID {
		return fmt.Errorf("found %s with kms key id %s which differs from rule kms key id %s", kek.Name, kek.KMSKeyID, kmsKeyID)
	}
	return nil
}

// kms returns the KEK's KMS key, opened on first use: its kmsKeyId and then its alternates.
// The driver sees the rule configuration with the KEK's kmsProps over it, as Confluent's
// AeadWrapper passes them, all but the client-only keys (see clientOnlyConfig).
func (t *transform) kms(rc *rules.Context) (tink.AEAD, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.kmsKey != nil {
		return t.kmsKey, nil
	}
	config := t.x.cfg.RuleConfig
	if len(t.kek.KMSProps) > 0 {
		config = maps.Clone(config)
		if config == nil {
			config = map[string]string{}
		}
		for k, v := range t.kek.KMSProps {
			if !clientOnlyConfig(k) {
				config[k] = v
			}
		}
	}
	a, err := t.x.cfg.Drivers.AEAD(contextOf(rc), t.kek.KMSType, t.kek.KMSKeyID, t.kek.KMSProps, config)
	if err != nil {
		return nil, fmt.Errorf("open kms key of kek %s: %w", t.kek.Name, err)
	}
	t.kmsKey = a
	return a, nil
}

// clientOnlyConfig reports whether a configuration key is one a KEK's kmsProps may not set:
// "endpoint.url" (awskms.EndpointURL), Accord's own key, which says where the driver sends
// its KMS calls and the raw DEKs they wrap. Whoever may update a KEK must not be able to
// point every producer's calls at a server of theirs; the endpoint is the client's choice.
func clientOnlyConfig(key string) bool { return key == "endpoint.url" }
