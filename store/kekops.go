package store

import (
	"context"
	"maps"
	"slices"
	"strings"
)

// Keks answers GET /dek-registry/v1/keks: the KEK names, sorted; with subject prefixes, the
// names of the KEKs that own a DEK whose subject starts with one of them (Confluent's
// AbstractDekRegistry.getKekNames; deleted then filters the DEKs, not the KEKs).
func (s *Store) Keks(ctx context.Context, subjectPrefixes []string, deleted bool) ([]string, error) {
	return s.KeksOfSubjects(ctx, subjectPrefixes, deleted, nil)
}

// KeksOfSubjects is Keks where, with subject prefixes, only the DEKs whose subject readable
// accepts count (nil accepts all): a caller must not learn, one guessed prefix at a time,
// which subjects it may not read have keys.
func (s *Store) KeksOfSubjects(ctx context.Context, subjectPrefixes []string, deleted bool, readable func(subject string) bool) ([]string, error) {
	var names []string
	prefixes := make(map[string]bool, len(subjectPrefixes))
	for _, p := range subjectPrefixes {
		prefixes[p] = true
	}
	err := s.read(ctx, func(st *state) error {
		if len(subjectPrefixes) == 0 {
			names = st.kekNames(deleted)
			return nil
		}
		seen := map[string]bool{}
		for id, d := range st.deks {
			if (deleted || !d.Deleted) && !seen[id.kek] && hasAnyPrefix(id.subject, prefixes) &&
				(readable == nil || readable(id.subject)) {
				seen[id.kek] = true
			}
		}
		names = slices.Sorted(maps.Keys(seen))
		return nil
	})
	return names, err
}

// hasAnyPrefix reports whether one of prefixes is a prefix of s. It looks up the prefixes
// of s rather than trying each of prefixes, so that a query string of thousands of them
// costs no more than a few, under the store's read lock.
func hasAnyPrefix(s string, prefixes map[string]bool) bool {
	for i := 0; i <= len(s); i++ {
		if prefixes[s[:i]] {
			return true
		}
	}
	return false
}

// Kek answers GET /keks/{name}: 40470 when there is none (or only a soft-deleted one,
// unless deleted is set).
func (s *Store) Kek(ctx context.Context, name string, deleted bool) (Kek, error) {
	if err := checkKekName(name); err != nil {
		return Kek{}, err
	}
	var out Kek
	err := s.read(ctx, func(st *state) error {
		k := st.kek(name, deleted)
		if k == nil {
			return errKeyNotFound(name)
		}
		out = *k
		return nil
	})
	return out, err
}

// CreateKek answers POST /keks. Creating a KEK that exists is a 409, unless the existing one
// is soft-deleted, the request is not, and both define the same key: the create then
// undeletes it (Confluent's createKek).
func (s *Store) CreateKek(ctx context.Context, req CreateKek) (Kek, error) {
	kek, err := newKek(req)
	if err != nil {
		return Kek{}, err
	}
	if req.Shared && req.TestSharing {
		test := *kek
		test.KmsType = *req.KmsType // Confluent tests with the type as the request spells it
		if err := s.testKekKMS(ctx, &test); err != nil {
			return Kek{}, err
		}
	}
	err = s.writeLocked(ctx, func(st *state) ([]Record, error) {
		if len(st.keks) > s.cfg.MaxKeys {
			return nil, errTooManyKeys(s.cfg.MaxKeys)
		}
		if old := st.keks[kek.Name]; old != nil && (old.Deleted == kek.Deleted || !kekEquivalent(old, kek)) {
			return nil, errKeyExists(kek.Name)
		}
		return []Record{kekRecord(kek)}, nil
	})
	if err != nil {
		return Kek{}, err
	}
	return s.storedKek(kek.Name), nil
}

// newKek validates a create request as DekRegistryResource.createKek does and returns the
// KEK it defines.
func newKek(req CreateKek) (*Kek, error) {
	if err := checkKekName(req.Name); err != nil {
		return nil, err
	}
	switch {
	case req.KmsKeyID == nil || *req.KmsKeyID == "":
		return nil, errInvalidKey("kmsKeyId")
	case req.KmsType == nil:
		return nil, errInvalidKey("kmsType")
	case !plausibleKmsKeyID(normalizeKmsType(*req.KmsType), *req.KmsKeyID):
		return nil, errInvalidKey("kmsKeyId")
	}
	if err := checkKekFields(req.Doc, req.KmsProps); err != nil {
		return nil, err
	}
	return &Kek{Name: req.Name, KmsType: normalizeKmsType(*req.KmsType), KmsKeyID: *req.KmsKeyID,
		KmsProps: copyProps(req.KmsProps), Doc: req.Doc, Shared: req.Shared, Deleted: req.Deleted}, nil
}

// plausibleKmsKeyID is CreateKekRequest.validate: the key id of the well-known KMS types must
// have the shape of one (the KMS checks the rest).
func plausibleKmsKeyID(kmsType, id string) bool {
	switch kmsType {
	case "aws-kms":
		return strings.HasPrefix(id, "arn:aws:kms:")
	case "azure-kms":
		return strings.HasPrefix(id, "https://")
	case "gcp-kms":
		return strings.HasPrefix(id, "projects/")
	case "hcvault":
		return strings.HasPrefix(id, "https://") || strings.HasPrefix(id, "http://")
	}
	return true
}

// normalizeKmsType is AbstractDekRegistry.normalizeKmsType: any spelling of the AWS, Azure
// and GCP types becomes the canonical one.
func normalizeKmsType(t string) string {
	lower := strings.ToLower(t)
	switch {
	case strings.HasPrefix(lower, "aws"):
		return "aws-kms"
	case strings.HasPrefix(lower, "azure"):
		return "azure-kms"
	case strings.HasPrefix(lower, "gcp"):
		return "gcp-kms"
	}
	return t
}

func copyProps(p map[string]string) map[string]string {
	out := make(map[string]string, len(p))
	maps.Copy(out, p)
	return out
}

// kekEquivalent is KeyEncryptionKey.isEquivalent: equal but for the deleted flag.
func kekEquivalent(a, b *Kek) bool {
	return a.Name == b.Name && a.KmsType == b.KmsType && a.KmsKeyID == b.KmsKeyID && a.Shared == b.Shared &&
		maps.Equal(a.KmsProps, b.KmsProps) && equalPtr(a.Doc, b.Doc)
}

func equalPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// storedKek returns the KEK as the state holds it now, with its timestamp.
func (s *Store) storedKek(name string) Kek {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if k := s.st.keks[name]; k != nil {
		return *k
	}
	return Kek{}
}

// UpdateKek answers PUT /keks/{name}: kmsProps, doc and shared change; kmsType and kmsKeyId
// never do. An update that changes nothing writes nothing and returns the KEK as it was.
func (s *Store) UpdateKek(ctx context.Context, name string, req UpdateKek) (Kek, error) {
	old, err := s.Kek(ctx, name, false)
	if err != nil {
		return Kek{}, err
	}
	var props map[string]string
	if req.KmsProps.Value != nil {
		props = *req.KmsProps.Value
	}
	if err := checkKekFields(req.Doc.Value, props); err != nil {
		return Kek{}, err
	}
	shared := old.Shared
	if req.Shared.Set {
		shared = req.Shared.Value != nil && *req.Shared.Value
	}
	if shared && req.TestSharing {
		test := old
		if req.KmsProps.Set && req.KmsProps.Value != nil {
			test.KmsProps = *req.KmsProps.Value
		}
		if err := s.testKekKMS(ctx, &test); err != nil {
			return Kek{}, err
		}
	}
	unchanged := false
	err = s.writeLocked(ctx, func(st *state) ([]Record, error) {
		key := st.kek(name, false)
		if key == nil {
			return nil, errKeyNotFound(name)
		}
		updated := updatedKek(key, req, shared)
		if kekEquivalent(updated, key) {
			unchanged = true
			return nil, nil
		}
		return []Record{kekRecord(updated)}, nil
	})
	if err != nil {
		return Kek{}, err
	}
	if unchanged {
		return old, nil
	}
	return s.storedKek(name), nil
}

func updatedKek(key *Kek, req UpdateKek, shared bool) *Kek {
	out := &Kek{Name: key.Name, KmsType: key.KmsType, KmsKeyID: key.KmsKeyID, KmsProps: key.KmsProps, Doc: key.Doc, Shared: shared}
	if req.KmsProps.Set {
		out.KmsProps = map[string]string{}
		if req.KmsProps.Value != nil {
			out.KmsProps = mergeKmsProps(*req.KmsProps.Value, key.KmsProps)
		}
	}
	if req.Doc.Set {
		out.Doc = req.Doc.Value
	}
	return out
}

// DeleteKek answers DELETE /keks/{name}. A soft delete fails while live DEKs use the KEK; a
// permanent one needs the KEK soft-deleted first and no DEK at all, deleted or not.
func (s *Store) DeleteKek(ctx context.Context, name string, permanent bool) error {
	if err := checkKekName(name); err != nil {
		return err
	}
	return s.writeLocked(ctx, func(st *state) ([]Record, error) {
		kek := st.keks[name]
		if kek == nil {
			return nil, errKeyNotFound(name)
		}
		for id, d := range st.deks {
			if id.kek == name && (permanent || !d.Deleted) {
				return nil, errKeyReferenceExists(name)
			}
		}
		switch {
		case permanent && !kek.Deleted:
			return nil, errKeyNotSoftDeleted(name)
		case permanent:
			return []Record{kekTombstone(name)}, nil
		case kek.Deleted:
			return nil, nil
		}
		deleted := *kek
		deleted.Deleted = true
		return []Record{kekRecord(&deleted)}, nil
	})
}

// UndeleteKek answers POST /keks/{name}/undelete.
func (s *Store) UndeleteKek(ctx context.Context, name string) error {
	if err := checkKekName(name); err != nil {
		return err
	}
	return s.writeLocked(ctx, func(st *state) ([]Record, error) {
		kek := st.keks[name]
		if kek == nil {
			return nil, errKeyNotFound(name)
		}
		if !kek.Deleted {
			return nil, nil
		}
		live := *kek
		live.Deleted = false
		return []Record{kekRecord(&live)}, nil
	})
}

// TestKek answers POST /keks/{name}/test: for a shared KEK, it wraps a throw-away DEK with
// the KEK's KMS key, proving the registry can. Confluent answers with its stored KEK, which
// also carries the record's offset.
func (s *Store) TestKek(ctx context.Context, name string) (Kek, error) {
	kek, err := s.Kek(ctx, name, false)
	if err != nil {
		return Kek{}, err
	}
	if err := s.testKekKMS(ctx, &kek); err != nil {
		return Kek{}, err
	}
	return kek, nil
}

// testKekKMS is AbstractDekRegistry.testKek: 42271 for a KEK that is not shared, else the
// KMS's verdict on wrapping a fresh AES256_GCM key.
func (s *Store) testKekKMS(ctx context.Context, kek *Kek) error {
	if !kek.Shared {
		return errInvalidKey("shared")
	}
	raw, err := newDekMaterial(DekAES256GCM)
	if err != nil {
		return err
	}
	_, err = s.wrapDek(ctx, kek, dekTestSubject, raw)
	return err
}
