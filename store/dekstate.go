package store

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// dekID names one DEK: Confluent's DataEncryptionKeyId without the tenant.
type dekID struct {
	kek     string
	subject string
	alg     string
	version int
}

// compare orders DEK ids as Confluent's key range scans do: KEK name, subject, algorithm
// (in DekFormat order), version.
func (a dekID) compare(b dekID) int {
	if c := strings.Compare(a.kek, b.kek); c != 0 {
		return c
	}
	if c := strings.Compare(a.subject, b.subject); c != 0 {
		return c
	}
	if c := slices.Index(dekAlgorithms, a.alg) - slices.Index(dekAlgorithms, b.alg); c != 0 {
		return c
	}
	return a.version - b.version
}

// applyDekRegistry folds a KEK or DEK record into the state.
func (st *state) applyDekRegistry(k dekRecordKey, rec Record) error {
	if st.keks == nil {
		st.keks, st.deks = map[string]*Kek{}, map[dekID]*Dek{}
	}
	switch k.Type {
	case keyKEK:
		return st.applyKek(k, rec)
	case keyDEK:
		return st.applyDek(k, rec)
	}
	return nil
}

func (st *state) applyKek(k dekRecordKey, rec Record) error {
	if rec.Value == nil {
		delete(st.keks, k.Name)
		return nil
	}
	var v kekValue
	if err := json.Unmarshal(rec.Value, &v); err != nil || v.Type != keyKEK {
		return fmt.Errorf("decode KEK value at offset %d: %v", rec.Offset, err)
	}
	props := v.KmsProps
	if props == nil {
		props = map[string]string{}
	}
	st.keks[k.Name] = &Kek{Name: k.Name, KmsType: v.KmsType, KmsKeyID: v.KmsKeyID, KmsProps: props, Doc: v.Doc,
		Shared: v.Shared, Deleted: v.Deleted, TS: rec.Timestamp.UnixMilli(), Offset: rec.Offset}
	return nil
}

func (st *state) applyDek(k dekRecordKey, rec Record) error {
	id := k.dekID()
	if rec.Value == nil {
		delete(st.deks, id)
		return nil
	}
	var v dekValue
	if err := json.Unmarshal(rec.Value, &v); err != nil || v.Type != keyDEK {
		return fmt.Errorf("decode DEK value at offset %d: %v", rec.Offset, err)
	}
	d := &Dek{KekName: id.kek, Subject: id.subject, Version: id.version, Algorithm: id.alg,
		Deleted: v.Deleted, TS: rec.Timestamp.UnixMilli()}
	if v.EncryptedKeyMaterial != nil {
		d.EncryptedKeyMaterial = *v.EncryptedKeyMaterial
	}
	st.deks[id] = d
	return nil
}

// kek returns the KEK called name, or nil; a soft-deleted one only with deleted set.
func (st *state) kek(name string, deleted bool) *Kek {
	k := st.keks[name]
	if k == nil || (k.Deleted && !deleted) {
		return nil
	}
	return k
}

// dek returns one DEK version, or nil; a soft-deleted one only with deleted set.
func (st *state) dek(id dekID, deleted bool) *Dek {
	d := st.deks[id]
	if d == nil || (d.Deleted && !deleted) {
		return nil
	}
	return d
}

// dekIDs returns the ids of the DEKs keep selects, in Confluent's key order.
func (st *state) dekIDs(keep func(dekID, *Dek) bool) []dekID {
	var ids []dekID
	for id, d := range st.deks {
		if keep(id, d) {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, dekID.compare)
	return ids
}

// dekVersionIDs returns the versions of (kek, subject, alg), oldest first, soft-deleted ones
// only with deleted set.
func (st *state) dekVersionIDs(kek, subject, alg string, deleted bool) []dekID {
	return st.dekIDs(func(id dekID, d *Dek) bool {
		return id.kek == kek && id.subject == subject && id.alg == alg && (deleted || !d.Deleted)
	})
}

// latestDek returns the newest version of (kek, subject, alg), or nil.
func (st *state) latestDek(kek, subject, alg string, deleted bool) *Dek {
	ids := st.dekVersionIDs(kek, subject, alg, deleted)
	if len(ids) == 0 {
		return nil
	}
	return st.deks[ids[len(ids)-1]]
}

// kekNames returns the KEK names, sorted.
func (st *state) kekNames(deleted bool) []string {
	var names []string
	for _, name := range slices.Sorted(maps.Keys(st.keks)) {
		if deleted || !st.keks[name].Deleted {
			names = append(names, name)
		}
	}
	return names
}
