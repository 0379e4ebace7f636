package encryption

import (
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/accord-registry/accord/serde/deks"
	"github.com/accord-registry/accord/serde/rules"
)

const millisPerDay = 24 * 60 * 60 * 1000

// rotates reports whether DEKs expire, in which case ciphertexts carry the DEK version.
func (t *transform) rotates() bool { return t.expiryDays > 0 }

// dek returns a version of the subject's DEK (or deks.Latest) with its key material, and its
// cipher. On produce it creates the DEK when it is absent or expired; on consume an absent
// DEK is an error.
func (t *transform) dek(rc *rules.Context, version int) (deks.DEK, cipher, error) {
	d, err := t.dekWithMaterial(rc, version)
	if err != nil {
		return deks.DEK{}, nil, err
	}
	c, err := t.x.ciphers.get(t.algorithm, d)
	if err != nil {
		return deks.DEK{}, nil, fmt.Errorf("dek version %d of kek %s, subject %s: %w", d.Version, t.kek.Name, rc.Subject, err)
	}
	return d, c, nil
}

func (t *transform) dekWithMaterial(rc *rules.Context, version int) (deks.DEK, error) {
	isRead := rc.Mode == rules.Read
	d, found, err := t.fetchDEK(rc, version, isRead)
	if err != nil {
		return deks.DEK{}, err
	}
	if d.KeyMaterial != "" && !t.expired(rc, d) {
		return d, nil // the fast path: cached with its material
	}
	if !found || t.expired(rc, d) {
		if isRead {
			return deks.DEK{}, fmt.Errorf("no dek found for %s during consume", t.kek.Name)
		}
		if d, err = t.createDEK(rc, version, d, found); err != nil {
			return deks.DEK{}, err
		}
	}
	if d.KeyMaterial == "" {
		return t.unwrap(rc, d)
	}
	return d, nil
}

// fetchDEK reads a DEK, reporting whether it is there; one without encryptedKeyMaterial
// counts as absent, as in Confluent's clients.
func (t *transform) fetchDEK(rc *rules.Context, version int, deleted bool) (deks.DEK, bool, error) {
	d, err := t.x.cfg.Registry.DEK(contextOf(rc), t.kek.Name, rc.Subject, version, t.algorithm, deleted)
	if err != nil && deks.IsNotFound(err) {
		return deks.DEK{}, false, nil
	}
	if err != nil {
		return deks.DEK{}, false, err
	}
	return d, d.EncryptedKeyMaterial != "", nil
}

// expired reports whether d is due for rotation on produce: whole days since its creation,
// counted as Confluent's Go client counts them, have reached encrypt.dek.expiry.days.
func (t *transform) expired(rc *rules.Context, d deks.DEK) bool {
	if rc.Mode == rules.Read || !t.rotates() || d.EncryptedKeyMaterial == "" {
		return false
	}
	return (t.x.cfg.Now().UnixMilli()-d.TS)/millisPerDay >= int64(t.expiryDays)
}

// createDEK registers the next DEK: version 1, or the one after old when old expired. For a
// KEK that is not shared the key is made here and wrapped with the KMS; for a shared one the
// registry makes it. When another client registered it first, the DEK is read again; when the
// registration fails and there is an older DEK, that one is used, with a warning.
func (t *transform) createDEK(rc *rules.Context, version int, old deks.DEK, haveOld bool) (deks.DEK, error) {
	req := deks.CreateDEK{Subject: rc.Subject, Version: 1, Algorithm: t.algorithm}
	if haveOld {
		req.Version = old.Version + 1
	}
	d, err := t.register(rc, req, version)
	if err == nil {
		return d, nil
	}
	if !haveOld {
		return deks.DEK{}, err
	}
	t.x.cfg.Logger.WarnContext(contextOf(rc), "failed to create dek, using existing dek",
		"kek", t.kek.Name, "subject", rc.Subject, "version", req.Version, "existing_version", old.Version, "err", err)
	if old.KeyMaterial == "" {
		return t.unwrap(rc, old)
	}
	return old, nil
}

// register makes and posts a DEK; on a conflict it reads version getVersion instead.
func (t *transform) register(rc *rules.Context, req deks.CreateDEK, getVersion int) (deks.DEK, error) {
	var raw []byte
	if !t.kek.Shared {
		var err error
		if raw, err = newKeyMaterial(t.algorithm); err != nil {
			return deks.DEK{}, err
		}
		kms, err := t.kms(rc)
		if err != nil {
			return deks.DEK{}, err
		}
		wrapped, err := kms.Encrypt(raw, nil)
		if err != nil {
			return deks.DEK{}, fmt.Errorf("wrap a new dek with kek %s: %w", t.kek.Name, err)
		}
		req.EncryptedKeyMaterial = base64.StdEncoding.EncodeToString(wrapped)
	}
	ctx := contextOf(rc)
	d, err := t.x.cfg.Registry.CreateDEK(ctx, t.kek.Name, req)
	if err != nil && deks.IsConflict(err) {
		d, err = t.x.cfg.Registry.DEK(ctx, t.kek.Name, req.Subject, getVersion, t.algorithm, false)
		if deks.IsNotFound(err) || (err == nil && d.EncryptedKeyMaterial == "") {
			return deks.DEK{}, fmt.Errorf("no dek found for %s during produce", t.kek.Name)
		}
		return d, err
	}
	if err != nil {
		return deks.DEK{}, err
	}
	if raw != nil && d.KeyMaterial == "" {
		// The key just made needs no trip to the KMS to be used.
		t.x.cfg.Registry.SetKeyMaterial(d, raw)
		d.KeyMaterial = base64.StdEncoding.EncodeToString(raw)
	}
	return d, nil
}

// unwrap opens d's encryptedKeyMaterial with the KEK's KMS key and records the raw key in
// the registry client's cache, so the KMS is asked once per DEK.
func (t *transform) unwrap(rc *rules.Context, d deks.DEK) (deks.DEK, error) {
	wrapped, err := d.EncryptedKeyMaterialBytes()
	if err != nil {
		return deks.DEK{}, err
	}
	if wrapped == nil {
		return deks.DEK{}, errors.New("no key material bytes found for dek")
	}
	kms, err := t.kms(rc)
	if err != nil {
		return deks.DEK{}, err
	}
	raw, err := kms.Decrypt(wrapped, nil)
	if err != nil {
		return deks.DEK{}, fmt.Errorf("unwrap dek version %d of kek %s, subject %s: %w", d.Version, t.kek.Name, d.Subject, err)
	}
	t.x.cfg.Registry.SetKeyMaterial(d, raw)
	d.KeyMaterial = base64.StdEncoding.EncodeToString(raw)
	return d, nil
}
