package exporter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"

	"github.com/accord-registry/accord/store"
)

// Reconciling one subject makes the destination's answers about it equal to the source's:
// its versions with their ids (references first, even those of subjects the exporter does
// not copy), its soft- and hard-deleted versions, its config and its mode. Everything is
// read from the destination before anything is written, so reconciling a subject the
// destination already holds writes nothing: a replay after a restart changes nothing.
//
// A subject mode of READWRITE (or none) on the source is no mode on the destination, where
// the IMPORT mode of the context (or of the registry) then applies and keeps the copy
// writable for the exporter alone. Another mode (READONLY, say) is written after the
// versions, and taken away for as long as versions have to be written.

// reconciler copies subjects of one pass into one destination.
type reconciler struct {
	source *store.Store
	dest   *Destination
	m      mapping
	// ensureContext makes sure the destination context takes imported ids.
	ensureContext func(ctx context.Context, destContext string) error
	// present holds the destination versions known to exist in this pass ("subject\x00n").
	present map[string]bool
	// ids are the ids of destination versions this session wrote or read, shared by the
	// lanes, so that a subject's versions are read once per session, not on every pass.
	ids    *knownIDs
	writes int
}

// copyError is a destination's refusal while copying a subject, naming what was copied.
type copyError struct {
	subject, dest string
	version, id   int // 0 when the step was not about one version
	step          string
	err           error
}

func (e *copyError) Error() string {
	what := "subject " + e.subject
	if e.version > 0 {
		what += fmt.Sprintf(" version %d (id %d)", e.version, e.id)
	}
	return fmt.Sprintf("%s %s to destination subject %s: %s", e.step, what, e.dest, describe(e.err))
}

// describe says what the destination answered: its status, error_code and message.
func describe(err error) string {
	var de *DestinationError
	if errors.As(err, &de) {
		return fmt.Sprintf("the destination answered %d with error_code %d: %s", de.Status, de.Code, de.Message)
	}
	return err.Error()
}

func (e *copyError) Unwrap() error { return e.err }

// subject reconciles the source subject s (qualified).
func (r *reconciler) subject(ctx context.Context, s string) error {
	d := r.m.destination(s)
	if err := r.ensureContext(ctx, splitSubject(d).ctx); err != nil {
		return err
	}
	src, err := r.sourceVersions(ctx, s)
	if err != nil {
		return err
	}
	dst, err := r.destVersions(ctx, d)
	if err != nil {
		return &copyError{subject: s, dest: d, step: "reading", err: err}
	}
	mode, err := r.destMode(ctx, d)
	if err != nil {
		return &copyError{subject: s, dest: d, step: "reading the mode of", err: err}
	}
	if versionsDiffer(src, dst) && mode != "" && mode != store.ModeImport {
		if err := r.write(ctx, http.MethodDelete, "/mode/"+url.PathEscape(d), nil); err != nil && !absent(err) {
			return &copyError{subject: s, dest: d, step: "lifting the mode of", err: err}
		}
		mode = ""
	}
	for _, v := range src {
		if err := r.version(ctx, s, d, v, dst); err != nil {
			return err
		}
	}
	if err := r.removeVersions(ctx, s, d, src, dst); err != nil {
		return err
	}
	if err := r.config(ctx, s, d); err != nil {
		return err
	}
	return r.mode(ctx, s, d, mode)
}

// sourceVersions returns every version of s the source has, soft-deleted ones included,
// oldest first; none when the subject is gone.
func (r *reconciler) sourceVersions(ctx context.Context, s string) ([]store.Schema, error) {
	nums, err := r.source.Versions(ctx, s, store.VersionsOptions{Deleted: true})
	if storeCode(err) == store.CodeSubjectNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]store.Schema, 0, len(nums))
	for _, n := range nums {
		v, err := r.source.Version(ctx, s, n, true)
		if storeCode(err) == store.CodeVersionNotFound || storeCode(err) == store.CodeSubjectNotFound {
			continue // hard-deleted since the list was read; a later pass sees it
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// destVersions returns the destination subject's versions, true for live ones.
func (r *reconciler) destVersions(ctx context.Context, d string) (map[int]bool, error) {
	var all, deleted []int
	path := "/subjects/" + url.PathEscape(d) + "/versions"
	if err := r.dest.Do(ctx, http.MethodGet, path+"?deleted=true", nil, &all); err != nil && !absent(err) {
		return nil, err
	}
	if len(all) > 0 {
		if err := r.dest.Do(ctx, http.MethodGet, path+"?deletedOnly=true", nil, &deleted); err != nil && !absent(err) {
			return nil, err
		}
	}
	out := make(map[int]bool, len(all))
	for _, n := range all {
		out[n] = !slices.Contains(deleted, n)
		r.present[presentKey(d, n)] = true
	}
	return out, nil
}

func versionsDiffer(src []store.Schema, dst map[int]bool) bool {
	if len(src) != len(dst) {
		return true
	}
	for _, v := range src {
		live, ok := dst[v.Version]
		if !ok || live == v.Deleted {
			return true
		}
	}
	return false
}

// version makes the destination hold source version v, soft-deleted if it is.
func (r *reconciler) version(ctx context.Context, s, d string, v store.Schema, dst map[int]bool) error {
	live, ok := dst[v.Version]
	if ok {
		stale, err := r.stale(ctx, s, d, v, live)
		if err != nil {
			return err
		}
		ok = !stale
	}
	if !ok {
		if err := r.register(ctx, s, d, v); err != nil {
			return err
		}
		live = true
	}
	if v.Deleted && live {
		path := fmt.Sprintf("/subjects/%s/versions/%d", url.PathEscape(d), v.Version)
		if err := r.write(ctx, http.MethodDelete, path, nil); err != nil {
			return &copyError{subject: s, dest: d, version: v.Version, id: v.ID, step: "soft-deleting", err: err}
		}
	}
	return nil
}

// stale reports whether the destination's version v.Version is another schema than the
// source's (the source deleted it for good and registered another schema, with a new id,
// under the same number); it then deletes it for good, so that v can be registered.
func (r *reconciler) stale(ctx context.Context, s, d string, v store.Schema, live bool) (bool, error) {
	if r.ids.get(d, v.Version) == v.ID {
		return false, nil
	}
	path := fmt.Sprintf("/subjects/%s/versions/%d", url.PathEscape(d), v.Version)
	var got struct {
		ID int `json:"id"`
	}
	if err := r.dest.Do(ctx, http.MethodGet, path+"?deleted=true", nil, &got); err != nil {
		if absent(err) {
			return true, nil
		}
		return false, &copyError{subject: s, dest: d, version: v.Version, id: v.ID, step: "reading", err: err}
	}
	if got.ID == v.ID {
		r.ids.put(d, v.Version, got.ID)
		return false, nil
	}
	r.ids.put(d, v.Version, 0)
	if live {
		if err := r.write(ctx, http.MethodDelete, path, nil); err != nil && !absent(err) {
			return false, &copyError{subject: s, dest: d, version: v.Version, id: got.ID, step: "deleting the replaced", err: err}
		}
	}
	if err := r.write(ctx, http.MethodDelete, path+"?permanent=true", nil); err != nil && !absent(err) {
		return false, &copyError{subject: s, dest: d, version: v.Version, id: got.ID, step: "permanently deleting the replaced", err: err}
	}
	delete(r.present, presentKey(d, v.Version))
	return true, nil
}

// removeVersions deletes for good, newest first, the destination versions the source no
// longer has.
func (r *reconciler) removeVersions(ctx context.Context, s, d string, src []store.Schema, dst map[int]bool) error {
	var gone []int
	for n := range dst {
		if !slices.ContainsFunc(src, func(v store.Schema) bool { return v.Version == n }) {
			gone = append(gone, n)
		}
	}
	slices.Sort(gone)
	for _, n := range slices.Backward(gone) {
		path := fmt.Sprintf("/subjects/%s/versions/%d", url.PathEscape(d), n)
		if dst[n] {
			if err := r.write(ctx, http.MethodDelete, path, nil); err != nil && !absent(err) {
				return &copyError{subject: s, dest: d, version: n, step: "deleting", err: err}
			}
		}
		if err := r.write(ctx, http.MethodDelete, path+"?permanent=true", nil); err != nil && !absent(err) {
			return &copyError{subject: s, dest: d, version: n, step: "permanently deleting", err: err}
		}
		delete(r.present, presentKey(d, n))
		r.ids.put(d, n, 0)
	}
	return nil
}

// absent is the destination's answer that the subject, version, config or mode is not there.
func absent(err error) bool {
	var de *DestinationError
	return errors.As(err, &de) && de.Status == http.StatusNotFound
}

// storeCode is the error_code of a store error, 0 for nil or another error.
func storeCode(err error) store.Code {
	var se *store.Error
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

func presentKey(d string, n int) string { return fmt.Sprintf("%s\x00%d", d, n) }

// write is a destination call that changes it, counted.
func (r *reconciler) write(ctx context.Context, method, path string, body any) error {
	err := r.dest.Do(ctx, method, path, body, nil)
	if err == nil {
		r.writes++
	}
	return err
}

// knownIDs maps destination versions to the ids they are known to have; 0 is unknown.
type knownIDs struct {
	mu sync.Mutex
	m  map[string]int
}

func (k *knownIDs) get(d string, n int) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.m[presentKey(d, n)]
}

func (k *knownIDs) put(d string, n, id int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if id == 0 {
		delete(k.m, presentKey(d, n))
		return
	}
	k.m[presentKey(d, n)] = id
}
