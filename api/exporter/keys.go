package exporter

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"

	"github.com/accord-registry/accord/store"
)

// dekRegistry is the DEK Registry's base path on the destination: the same base URL as the
// schema registry, as Confluent's clients assume.
const dekRegistry = "/dek-registry/v1"

// copyKeys copies into the destination the KEKs that own a DEK of one of subjects (source
// qualified subject → destination subject), named by kekRename ("${kek}" is the source
// KEK's name), then those DEKs under the destination subject: every algorithm and version,
// with the source's wrapped key material, soft-deleted ones soft-deleted again, and versions
// the source deleted for good deleted for good (for the subjects and algorithms of which the
// source still has a version: the key copy starts from the source's keys). It reads the
// destination first and writes only what differs, so a second call writes nothing; it
// returns the number of writes. A destination key that differs in what cannot be changed
// (a KEK's KMS, a DEK's key material) is an error: the destination is not a copy.
//
// The keys are copied as they are wrapped; no KMS is called on either side. A copied DEK's
// ts is the destination's time of writing, which the DEK Registry API cannot set.
func copyKeys(ctx context.Context, d *Destination, keys *store.Store, subjects map[string]string, kekRename string) (int, error) {
	deks, err := keys.WrappedDeks(ctx, func(subject string) bool {
		_, ok := subjects[store.QualifiedSubject(subject)]
		return ok
	})
	if err != nil {
		return 0, err
	}
	writes := 0
	for len(deks) > 0 {
		n := 1
		for n < len(deks) && deks[n].KekName == deks[0].KekName {
			n++
		}
		kc := kekCopy{d: d, name: renameKek(kekRename, deks[0].KekName), subjects: subjects}
		err := kc.copy(ctx, keys, deks[:n])
		writes += kc.writes
		if err != nil {
			return writes, fmt.Errorf("copying KEK %s to %s: %w", deks[0].KekName, kc.name, err)
		}
		deks = deks[n:]
	}
	return writes, nil
}

// renameKek applies kekRename ("" is "${kek}") to a KEK's name.
func renameKek(kekRename, name string) string {
	if kekRename == "" {
		return name
	}
	return strings.ReplaceAll(kekRename, "${kek}", name)
}

// destKek is a KEK as the destination answers it.
type destKek struct {
	Name     string            `json:"name"`
	KmsType  string            `json:"kmsType"`
	KmsKeyID string            `json:"kmsKeyId"`
	KmsProps map[string]string `json:"kmsProps,omitempty"`
	Doc      *string           `json:"doc,omitempty"`
	Shared   bool              `json:"shared"`
	Deleted  bool              `json:"deleted"`
}

// kekCopy copies one KEK and its DEKs.
type kekCopy struct {
	d        *Destination
	name     string // the destination's name of the KEK
	subjects map[string]string
	deleted  bool // whether the destination's KEK is soft-deleted
	writes   int
}

func (kc *kekCopy) copy(ctx context.Context, keys *store.Store, deks []store.Dek) error {
	src, err := keys.Kek(ctx, deks[0].KekName, true)
	if err != nil {
		return err
	}
	if err := kc.copyKek(ctx, src); err != nil {
		return err
	}
	for len(deks) > 0 {
		n := 1
		for n < len(deks) && deks[n].Subject == deks[0].Subject && deks[n].Algorithm == deks[0].Algorithm {
			n++
		}
		if err := kc.copyVersions(ctx, src.Shared, deks[:n]); err != nil {
			return err
		}
		deks = deks[n:]
	}
	if src.Deleted && !kc.deleted {
		return kc.write(ctx, http.MethodDelete, kc.kekPath(), nil)
	}
	return nil
}

func (kc *kekCopy) kekPath() string { return dekRegistry + "/keks/" + url.PathEscape(kc.name) }

// write sends one change to the destination and counts it.
func (kc *kekCopy) write(ctx context.Context, method, path string, body any) error {
	if err := kc.d.Do(ctx, method, path, body, nil); err != nil {
		return err
	}
	kc.writes++
	return nil
}

// copyKek creates the KEK on the destination, or brings its properties in line. A
// soft-deleted destination KEK is undeleted when the source's is not; when both are, it
// stays deleted unless a DEK must be written under it (see live).
func (kc *kekCopy) copyKek(ctx context.Context, src store.Kek) error {
	var dest destKek
	err := kc.d.Do(ctx, http.MethodGet, kc.kekPath()+"?deleted=true", nil, &dest)
	if notFound(err) {
		body := destKek{Name: kc.name, KmsType: src.KmsType, KmsKeyID: src.KmsKeyID, KmsProps: src.KmsProps, Doc: src.Doc, Shared: src.Shared}
		return kc.write(ctx, http.MethodPost, dekRegistry+"/keks", body)
	}
	if err != nil {
		return err
	}
	if dest.KmsType != src.KmsType || dest.KmsKeyID != src.KmsKeyID {
		return fmt.Errorf("the destination's KEK %s uses another KMS key (%s %s)", kc.name, dest.KmsType, dest.KmsKeyID)
	}
	kc.deleted = dest.Deleted
	if !src.Deleted {
		if err := kc.live(ctx); err != nil {
			return err
		}
	}
	if maps.Equal(dest.KmsProps, src.KmsProps) && equalDoc(dest.Doc, src.Doc) && dest.Shared == src.Shared {
		return nil
	}
	if err := kc.live(ctx); err != nil {
		return err
	}
	update := map[string]any{"kmsProps": src.KmsProps, "doc": src.Doc, "shared": src.Shared}
	return kc.write(ctx, http.MethodPut, kc.kekPath(), update)
}

// live undeletes the destination's KEK if it is soft-deleted: DEKs can be written only
// under a live KEK.
func (kc *kekCopy) live(ctx context.Context) error {
	if !kc.deleted {
		return nil
	}
	if err := kc.write(ctx, http.MethodPost, kc.kekPath()+"/undelete", nil); err != nil {
		return err
	}
	kc.deleted = false
	return nil
}

func equalDoc(a, b *string) bool {
	return (a == nil || *a == "") == (b == nil || *b == "") && (a == nil || b == nil || *a == *b)
}

// notFound reports whether err is the destination's 404.
func notFound(err error) bool {
	de, ok := errors.AsType[*DestinationError](err)
	return ok && de.Status == http.StatusNotFound
}
