package exporter

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/accord-registry/accord/store"
)

// destDek is what the destination holds of one DEK version: whether it is soft-deleted, and
// its wrapped key material when it was read (not for a shared KEK).
type destDek struct {
	deleted  bool
	material string
}

// copyVersions copies the versions of one (KEK, subject, algorithm), deks, oldest first.
func (kc *kekCopy) copyVersions(ctx context.Context, shared bool, deks []store.Dek) error {
	subject := kc.subjects[store.QualifiedSubject(deks[0].Subject)]
	path := kc.kekPath() + "/deks/" + url.PathEscape(subject)
	alg := deks[0].Algorithm
	have, err := kc.destVersions(ctx, path, alg, shared)
	if err != nil {
		return err
	}
	for _, src := range deks {
		if err := kc.copyVersion(ctx, path, subject, src, have); err != nil {
			return fmt.Errorf("DEK of %s version %d (%s) to %s: %w", src.Subject, src.Version, alg, subject, err)
		}
		delete(have, src.Version)
	}
	for _, version := range slices.Sorted(maps.Keys(have)) {
		if err := kc.removeVersion(ctx, versionPath(path, version, alg), have[version]); err != nil {
			return fmt.Errorf("removing the DEK of %s version %d (%s), deleted from the source: %w", subject, version, alg, err)
		}
	}
	return nil
}

// removeVersion deletes for good a destination DEK version that the source no longer has
// (it was deleted there for good): soft first, as the DEK Registry requires.
func (kc *kekCopy) removeVersion(ctx context.Context, path string, dest destDek) error {
	if !dest.deleted {
		if err := kc.write(ctx, http.MethodDelete, path, nil); err != nil {
			return err
		}
	}
	return kc.write(ctx, http.MethodDelete, path+"&permanent=true", nil)
}

// destVersions reads the destination's versions of a DEK: the lists with and without the
// soft-deleted ones, then, unless the KEK is shared, each version's key material. (Reading
// a shared KEK's DEK would make the destination unwrap it with its KMS.)
func (kc *kekCopy) destVersions(ctx context.Context, path, alg string, shared bool) (map[int]destDek, error) {
	query := "/versions?algorithm=" + url.QueryEscape(alg)
	var all, live []int
	if err := kc.d.Do(ctx, http.MethodGet, path+query+"&deleted=true", nil, &all); err != nil && !notFound(err) {
		return nil, err
	}
	if len(all) == 0 {
		return map[int]destDek{}, nil
	}
	if err := kc.d.Do(ctx, http.MethodGet, path+query+"&deleted=false", nil, &live); err != nil && !notFound(err) {
		return nil, err
	}
	have := make(map[int]destDek, len(all))
	for _, v := range all {
		have[v] = destDek{deleted: !slices.Contains(live, v)}
		if shared {
			continue
		}
		var dek store.Dek
		if err := kc.d.Do(ctx, http.MethodGet, versionPath(path, v, alg)+"&deleted=true", nil, &dek); err != nil {
			return nil, err
		}
		have[v] = destDek{deleted: dek.Deleted, material: dek.EncryptedKeyMaterial}
	}
	return have, nil
}

func versionPath(path string, version int, alg string) string {
	return path + "/versions/" + strconv.Itoa(version) + "?algorithm=" + url.QueryEscape(alg)
}

// copyVersion creates one DEK version on the destination, or brings its soft deletion in
// line with the source's.
func (kc *kekCopy) copyVersion(ctx context.Context, path, subject string, src store.Dek, have map[int]destDek) error {
	dest, ok := have[src.Version]
	switch {
	case !ok:
		if !src.Deleted { // a soft-deleted DEK may be created under a soft-deleted KEK
			if err := kc.live(ctx); err != nil {
				return err
			}
		}
		body := map[string]any{"subject": subject, "version": src.Version, "algorithm": src.Algorithm,
			"encryptedKeyMaterial": src.EncryptedKeyMaterial, "deleted": src.Deleted}
		return kc.write(ctx, http.MethodPost, path, body)
	case dest.material != "" && dest.material != src.EncryptedKeyMaterial:
		return fmt.Errorf("the destination holds other key material")
	case dest.deleted == src.Deleted:
		return nil
	case src.Deleted:
		return kc.write(ctx, http.MethodDelete, versionPath(path, src.Version, src.Algorithm), nil)
	default:
		if err := kc.live(ctx); err != nil {
			return err
		}
		undelete := path + "/versions/" + strconv.Itoa(src.Version) + "/undelete?algorithm=" + url.QueryEscape(src.Algorithm)
		return kc.write(ctx, http.MethodPost, undelete, nil)
	}
}
