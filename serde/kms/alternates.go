package kms

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/tink-crypto/tink-go/v2/tink"
)

// AlternateKeyIDs is the KEK property (in its kmsProps) and rule configuration key that lists,
// comma separated, the KMS key ids to try after the KEK's own: the keys a DEK may have been
// wrapped with before the KEK's key was rotated, or replicas in other regions.
const AlternateKeyIDs = "encrypt.alternate.kms.key.ids"

// KeyIDs returns the KMS key ids to try for a KEK, in order: its own kmsKeyID, then the
// alternates its kmsProps list, or, when they list none, those of the rule configuration
// (the order of Confluent's AeadWrapper). Blanks around the ids are dropped.
func KeyIDs(kmsKeyID string, kmsProps, config map[string]string) []string {
	ids := []string{kmsKeyID}
	list, ok := kmsProps[AlternateKeyIDs]
	if !ok {
		list, ok = config[AlternateKeyIDs]
	}
	if !ok {
		return ids
	}
	for _, id := range strings.Split(list, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// AEAD opens the key of a KEK: kmsType names the driver, and the key ids are the KEK's
// kmsKeyID and its alternates (see [KeyIDs]). With no alternates it is the driver's AEAD;
// with some, see [WithAlternates].
func (d Drivers) AEAD(ctx context.Context, kmsType, kmsKeyID string, kmsProps, config map[string]string) (tink.AEAD, error) {
	drv, err := d.Lookup(kmsType)
	if err != nil {
		return nil, err
	}
	ids := KeyIDs(kmsKeyID, kmsProps, config)
	if len(ids) == 1 {
		return drv.AEAD(ctx, kmsKeyID, config)
	}
	return WithAlternates(ctx, drv, config, ids...), nil
}

// WithAlternates returns an AEAD over the keys keyIDs of one driver: Encrypt and Decrypt try
// each key in order and return the first success, so a DEK wrapped with an older or another
// region's key still opens. Each key is opened on first use; a key that cannot be opened
// counts as a failure of that key. When every key fails, the error joins every failure.
func WithAlternates(ctx context.Context, drv Driver, config map[string]string, keyIDs ...string) tink.AEAD {
	return &alternates{ctx: ctx, drv: drv, config: config, ids: keyIDs, opened: make([]tink.AEAD, len(keyIDs))}
}

type alternates struct {
	ctx    context.Context
	drv    Driver
	config map[string]string
	ids    []string

	mu     sync.Mutex  // guards opened
	opened []tink.AEAD // by index in ids; nil until opened
}

func (a *alternates) Encrypt(plaintext, associatedData []byte) ([]byte, error) {
	return a.each("encrypt", func(p tink.AEAD) ([]byte, error) { return p.Encrypt(plaintext, associatedData) })
}

func (a *alternates) Decrypt(ciphertext, associatedData []byte) ([]byte, error) {
	return a.each("decrypt", func(p tink.AEAD) ([]byte, error) { return p.Decrypt(ciphertext, associatedData) })
}

// each runs op with every key in turn until one succeeds.
func (a *alternates) each(what string, op func(tink.AEAD) ([]byte, error)) ([]byte, error) {
	var errs []error
	for i, id := range a.ids {
		p, err := a.open(i)
		if err == nil {
			var out []byte
			if out, err = op(p); err == nil {
				return out, nil
			}
		}
		errs = append(errs, fmt.Errorf("kms key %q: %w", id, err))
	}
	return nil, fmt.Errorf("kms: could not %s with any of %d %s keys: %w", what, len(a.ids), a.drv.Type(), errors.Join(errs...))
}

// open returns the AEAD of the i-th key, opening it on first use.
func (a *alternates) open(i int) (tink.AEAD, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.opened[i] != nil {
		return a.opened[i], nil
	}
	p, err := a.drv.AEAD(a.ctx, a.ids[i], a.config)
	if err != nil {
		return nil, err
	}
	a.opened[i] = p
	return p, nil
}
