package store

import (
	"context"
	"encoding/base64"
)

// DekSubjects answers GET /keks/{name}/deks: the distinct subjects of the KEK's DEKs, sorted.
func (s *Store) DekSubjects(ctx context.Context, kekName string, deleted bool) ([]string, error) {
	if err := checkKekName(kekName); err != nil {
		return nil, err
	}
	var subjects []string
	err := s.read(ctx, func(st *state) error {
		if st.kek(kekName, deleted) == nil {
			return errKeyNotFound(kekName)
		}
		for _, id := range st.dekIDs(func(id dekID, d *Dek) bool { return id.kek == kekName && (deleted || !d.Deleted) }) {
			if len(subjects) == 0 || subjects[len(subjects)-1] != id.subject {
				subjects = append(subjects, id.subject)
			}
		}
		return nil
	})
	return subjects, err
}

// DekVersions answers GET /keks/{name}/deks/{subject}/versions: the versions, ascending.
func (s *Store) DekVersions(ctx context.Context, kekName, subject, alg string, deleted bool) ([]int, error) {
	if err := checkDekPath(kekName, subject); err != nil {
		return nil, err
	}
	versions := []int{}
	err := s.read(ctx, func(st *state) error {
		if st.kek(kekName, deleted) == nil {
			return errKeyNotFound(kekName)
		}
		for _, id := range st.dekVersionIDs(kekName, subject, dekAlgorithm(alg), deleted) {
			versions = append(versions, id.version)
		}
		return nil
	})
	return versions, err
}

func checkDekPath(kekName, subject string) error {
	if err := checkKekName(kekName); err != nil {
		return err
	}
	return checkDekSubject(subject)
}

// Dek answers GET /keks/{name}/deks/{subject}[/versions/{version}]; version may be [Latest].
// For a shared KEK the registry unwraps the key with the KMS on every read and returns it as
// keyMaterial.
func (s *Store) Dek(ctx context.Context, kekName, subject, alg string, version int, deleted bool) (Dek, error) {
	if err := checkDekPath(kekName, subject); err != nil {
		return Dek{}, err
	}
	var out Dek
	var kek Kek
	err := s.read(ctx, func(st *state) error {
		if st.kek(kekName, deleted) == nil {
			return errKeyNotFound(kekName)
		}
		d := st.findDek(kekName, subject, dekAlgorithm(alg), version, deleted)
		if d == nil {
			return errKeyNotFound(subject)
		}
		out, kek = *d, *st.keks[kekName]
		return nil
	})
	if err != nil || !kek.Shared || out.EncryptedKeyMaterial == "" {
		return out, err
	}
	raw, err := s.unwrapDek(ctx, &kek, subject, out.EncryptedKeyMaterial)
	if err != nil {
		return Dek{}, err
	}
	out.KeyMaterial = base64.StdEncoding.EncodeToString(raw)
	return out, nil
}

// findDek returns a version of a DEK, or its latest one for [Latest].
func (st *state) findDek(kekName, subject, alg string, version int, deleted bool) *Dek {
	if version == Latest {
		return st.latestDek(kekName, subject, alg, deleted)
	}
	return st.dek(dekID{kekName, subject, alg, version}, deleted)
}

// createDekAttempts bounds the retries of a DEK creation whose KMS work another write made
// stale before it could be recorded.
const createDekAttempts = 3

// CreateDek answers POST /keks/{name}/deks/{subject} (Confluent's createDek). A client of a
// non-shared KEK sends the DEK wrapped by its KMS; for a shared KEK the registry generates
// (or, with Rewrap, re-wraps) it through the KMS and returns it unwrapped as well. The KMS
// is called outside the store's locks; the record is written only if nothing changed the
// DEK or its KEK meanwhile, so a KMS failure leaves nothing behind.
func (s *Store) CreateDek(ctx context.Context, kekName string, req CreateDek) (Dek, error) {
	if err := checkDekPath(kekName, req.Subject); err != nil {
		return Dek{}, err
	}
	if req.Algorithm != "" && !ValidDekAlgorithm(req.Algorithm) {
		return Dek{}, errInvalidKey("algorithm")
	}
	if req.EncryptedKeyMaterial != nil && len(*req.EncryptedKeyMaterial) > MaxKeyFieldBytes {
		return Dek{}, errInvalidKey("encryptedKeyMaterial")
	}
	for attempt := 1; ; attempt++ {
		plan, err := s.planDek(ctx, kekName, req)
		if err != nil {
			return Dek{}, err
		}
		out, stale, err := s.recordDek(ctx, plan)
		if err != nil || !stale || attempt == createDekAttempts {
			if stale {
				return Dek{}, errKeyExists(req.Subject)
			}
			return out, err
		}
	}
}

// dekPlan is a DEK creation decided against one state of the registry: the record to write,
// and the KEK and previous DEK it was decided against.
type dekPlan struct {
	dek     Dek
	raw     []byte // the unwrapped key, returned to the caller of a shared KEK
	kek     *Kek   // as the state held them: recordDek writes only if they are unchanged
	old     *Dek
	kekName string
}

// planDek checks a creation against the current state and does its KMS work.
func (s *Store) planDek(ctx context.Context, kekName string, req CreateDek) (dekPlan, error) {
	p, shared, err := s.checkDek(ctx, kekName, req)
	if err != nil || p.dek.EncryptedKeyMaterial != "" {
		return p, err
	}
	if !shared {
		return p, errInvalidKey("encryptedKeyMaterial")
	}
	kek := *p.kek
	var raw []byte
	if p.old != nil && p.old.EncryptedKeyMaterial != "" {
		if raw, err = s.unwrapDek(ctx, &kek, req.Subject, p.old.EncryptedKeyMaterial); err != nil {
			return p, err
		}
	} else if raw, err = newDekMaterial(p.dek.Algorithm); err != nil {
		return p, err
	}
	if p.dek.EncryptedKeyMaterial, err = s.wrapDek(ctx, &kek, req.Subject, raw); err != nil {
		return p, err
	}
	if !req.Importing { // Confluent proves the round trip before persisting, except on import
		if p.raw, err = s.unwrapDek(ctx, &kek, req.Subject, p.dek.EncryptedKeyMaterial); err != nil {
			return p, err
		}
	}
	return p, nil
}

// checkDek applies createDek's rules to the current state and returns the DEK to write
// (without key material yet when the registry must generate it) and whether the KEK is
// shared.
func (s *Store) checkDek(ctx context.Context, kekName string, req CreateDek) (dekPlan, bool, error) {
	version := req.Version
	if version == 0 {
		version = 1
	}
	d := Dek{KekName: kekName, Subject: req.Subject, Version: version, Algorithm: dekAlgorithm(req.Algorithm), Deleted: req.Deleted}
	if req.EncryptedKeyMaterial != nil {
		d.EncryptedKeyMaterial = *req.EncryptedKeyMaterial
	}
	p := dekPlan{dek: d, kekName: kekName}
	err := s.read(ctx, func(st *state) error {
		if st.kek(kekName, req.Deleted) == nil {
			return errKeyNotFound(kekName)
		}
		p.kek = st.keks[kekName]
		return checkDekAgainst(st, &p, req, s.cfg.MaxKeys)
	})
	return p, err == nil && p.kek.Shared, err
}

// checkDekAgainst is the part of createDek's rules that recordDek checks again under the
// writer lock.
func checkDekAgainst(st *state, p *dekPlan, req CreateDek, maxKeys int) error {
	if len(st.deks) > maxKeys {
		return errTooManyKeys(maxKeys)
	}
	id := dekID{p.kekName, p.dek.Subject, p.dek.Algorithm, p.dek.Version}
	p.old = st.deks[id]
	if !req.Rewrap && p.old != nil && (p.old.Deleted == req.Deleted || p.old.EncryptedKeyMaterial != p.dek.EncryptedKeyMaterial) {
		return errKeyExists(req.Subject)
	}
	if req.EncryptedKeyMaterial != nil && p.kek.Shared && p.old != nil {
		return errKeyExists(req.Subject)
	}
	return nil
}

// recordDek writes a planned DEK if the KEK and the DEK are still as planned; stale reports
// that they are not.
func (s *Store) recordDek(ctx context.Context, p dekPlan) (out Dek, stale bool, err error) {
	id := dekID{p.kekName, p.dek.Subject, p.dek.Algorithm, p.dek.Version}
	err = s.writeLocked(ctx, func(st *state) ([]Record, error) {
		if st.keks[p.kekName] != p.kek || st.deks[id] != p.old {
			stale = true
			return nil, nil
		}
		return []Record{dekRecord(&p.dek)}, nil
	})
	if err != nil || stale {
		return Dek{}, stale, err
	}
	s.mu.RLock()
	if d := s.st.deks[id]; d != nil {
		out = *d
	}
	s.mu.RUnlock()
	if p.raw != nil {
		out.KeyMaterial = base64.StdEncoding.EncodeToString(p.raw)
	}
	return out, false, nil
}

// DeleteDeks answers DELETE /keks/{name}/deks/{subject}: every version of one algorithm.
// A permanent delete needs every version soft-deleted first.
func (s *Store) DeleteDeks(ctx context.Context, kekName, subject, alg string, permanent bool) error {
	return s.changeDeks(ctx, kekName, subject, alg, func(st *state, alg string) ([]Record, error) {
		ids := st.dekVersionIDs(kekName, subject, alg, permanent)
		return deleteDekRecords(st, ids, subject, permanent)
	})
}

// DeleteDek answers DELETE /keks/{name}/deks/{subject}/versions/{version}. Confluent checks
// that `latest` (-1) resolves to a version, then deletes the version numbered -1, which
// never exists: the request succeeds and changes nothing. Accord does the same.
func (s *Store) DeleteDek(ctx context.Context, kekName, subject, alg string, version int, permanent bool) error {
	return s.changeDek(ctx, kekName, subject, alg, version, func(st *state, id dekID) ([]Record, error) {
		if st.deks[id] == nil {
			return nil, nil
		}
		return deleteDekRecords(st, []dekID{id}, subject, permanent)
	})
}

func deleteDekRecords(st *state, ids []dekID, subject string, permanent bool) ([]Record, error) {
	var recs []Record
	for _, id := range ids {
		d := st.deks[id]
		switch {
		case permanent && !d.Deleted:
			return nil, errKeyNotSoftDeleted(subject)
		case permanent:
			recs = append(recs, dekTombstone(id))
		case !d.Deleted:
			deleted := *d
			deleted.Deleted = true
			recs = append(recs, dekRecord(&deleted))
		}
	}
	return recs, nil
}

// UndeleteDeks answers POST /keks/{name}/deks/{subject}/undelete: 40472 while the KEK is
// soft-deleted.
func (s *Store) UndeleteDeks(ctx context.Context, kekName, subject, alg string) error {
	return s.changeDeks(ctx, kekName, subject, alg, func(st *state, alg string) ([]Record, error) {
		if st.keks[kekName].Deleted {
			return nil, errKeySoftDeleted(kekName)
		}
		return undeleteDekRecords(st, st.dekVersionIDs(kekName, subject, alg, true)), nil
	})
}

// UndeleteDek answers POST /keks/{name}/deks/{subject}/versions/{version}/undelete; like
// DeleteDek, `latest` changes nothing.
func (s *Store) UndeleteDek(ctx context.Context, kekName, subject, alg string, version int) error {
	return s.changeDek(ctx, kekName, subject, alg, version, func(st *state, id dekID) ([]Record, error) {
		if st.keks[kekName].Deleted {
			return nil, errKeySoftDeleted(kekName)
		}
		if st.deks[id] == nil {
			return nil, nil
		}
		return undeleteDekRecords(st, []dekID{id}), nil
	})
}

func undeleteDekRecords(st *state, ids []dekID) []Record {
	var recs []Record
	for _, id := range ids {
		if d := st.deks[id]; d.Deleted {
			live := *d
			live.Deleted = false
			recs = append(recs, dekRecord(&live))
		}
	}
	return recs
}

// changeDeks runs a write on all versions of a DEK after the checks Confluent's resource
// makes first: the KEK exists (soft-deleted or not), and so does some version of the DEK.
func (s *Store) changeDeks(ctx context.Context, kekName, subject, alg string, change func(*state, string) ([]Record, error)) error {
	if err := checkDekPath(kekName, subject); err != nil {
		return err
	}
	alg = dekAlgorithm(alg)
	return s.writeLocked(ctx, func(st *state) ([]Record, error) {
		if st.keks[kekName] == nil {
			return nil, errKeyNotFound(kekName)
		}
		if st.latestDek(kekName, subject, alg, true) == nil {
			return nil, errKeyNotFound(subject)
		}
		return change(st, alg)
	})
}

// changeDek is changeDeks for one version ([Latest] allowed for the existence check).
func (s *Store) changeDek(ctx context.Context, kekName, subject, alg string, version int, change func(*state, dekID) ([]Record, error)) error {
	if err := checkDekPath(kekName, subject); err != nil {
		return err
	}
	alg = dekAlgorithm(alg)
	return s.writeLocked(ctx, func(st *state) ([]Record, error) {
		if st.keks[kekName] == nil {
			return nil, errKeyNotFound(kekName)
		}
		if st.findDek(kekName, subject, alg, version, true) == nil {
			return nil, errKeyNotFound(subject)
		}
		return change(st, dekID{kekName, subject, alg, version})
	})
}
