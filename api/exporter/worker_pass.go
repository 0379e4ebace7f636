package exporter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/accord-registry/accord/store"
)

// progressEvery bounds how often a busy pass persists its offset.
const progressEvery = time.Second

// pass copies what changed on the source since the persisted offset, then persists the
// offset the source had when the pass began. A long pass persists its progress on the way,
// at the offset of the last change it finished when the next change is a later record, so
// that a restart does not start over.
func (w *worker) pass(ctx context.Context, r *reconciler, def store.Exporter) error {
	start := w.cfg.Source.Offset()
	if start > w.offset && w.behind.IsZero() {
		w.behind = time.Now()
	}
	changes := w.cfg.Source.ChangedSince(w.offset)
	r.present, r.writes = map[string]bool{}, 0
	saved := time.Now()
	var copied []string
	for i, c := range changes {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if d, ok := r.m.scope(c.Subject); ok {
			if err := r.scopeConfig(ctx, c.Subject, d); err != nil {
				return err
			}
			continue
		}
		if !r.m.matches(c.Subject) {
			continue
		}
		if err := r.subject(ctx, c.Subject); err != nil {
			return err
		}
		copied = append(copied, c.Subject)
		last := i+1 == len(changes) || changes[i+1].Offset > c.Offset
		if last && time.Since(saved) >= progressEvery {
			if err := w.progress(ctx, c.Offset); err != nil {
				return err
			}
			saved = time.Now()
		}
	}
	if err := w.copyKeys(ctx, r, def, copied); err != nil {
		return err
	}
	w.cfg.Metrics.Copied(w.name, r.writes)
	if start > w.offset {
		if err := w.progress(ctx, start); err != nil {
			return err
		}
	}
	w.reportLag()
	return nil
}

// reportLag sets the lag metrics: records of the source not yet copied, and for how long
// the exporter has been behind.
func (w *worker) reportLag() {
	behind := w.cfg.Source.Offset() - w.offset
	seconds := 0.0
	if behind > 0 {
		if w.behind.IsZero() {
			w.behind = time.Now()
		}
		seconds = time.Since(w.behind).Seconds()
	} else {
		w.behind = time.Time{}
	}
	w.cfg.Metrics.SetLag(w.name, max(behind, 0), seconds)
}

// copyKeys copies the KEKs and DEKs of the exported subjects when the DEK Registry changed,
// and otherwise those of the subjects this pass copied (copied), so that a steady stream of
// registrations does not read every key of the destination again on each pass.
func (w *worker) copyKeys(ctx context.Context, r *reconciler, def store.Exporter, copied []string) error {
	if w.cfg.Keys == nil {
		return nil
	}
	at := w.cfg.Keys.Offset()
	if at == w.keysAt && len(copied) == 0 {
		return nil
	}
	candidates := copied
	if at != w.keysAt {
		all, err := w.cfg.Source.Subjects(ctx, store.SubjectsOptions{Deleted: true})
		if err != nil {
			return err
		}
		candidates = all
	}
	subjects := map[string]string{}
	for _, s := range candidates {
		if r.m.matches(s) {
			subjects[s] = r.m.destination(s)
		}
	}
	n, err := copyKeys(ctx, r.dest, w.cfg.Keys, subjects, def.KekRenameFormat)
	w.cfg.Metrics.Copied(w.name, n)
	if err != nil {
		return fmt.Errorf("copying the keys of the exported subjects: %w", err)
	}
	w.keysAt = at
	return nil
}

// ensureImport makes sure a destination context (or, for the default context, the
// destination registry) is in IMPORT mode, which writing ids requires: it sets it when it
// is not. The destination refuses (42205) where the context already has subjects; the
// operator then decides, with force, and resumes.
func (w *worker) ensureImport(ctx context.Context, dest *Destination, destContext string) error {
	if w.ensured[destContext] {
		return nil
	}
	path, what := "/mode", "the destination registry's global mode"
	if scope := modeScope(destContext); scope != "" {
		path, what = "/mode/"+url.PathEscape(scope), "the mode of destination context "+destContext
	}
	var cur struct {
		Mode store.Mode `json:"mode"`
	}
	err := dest.Do(ctx, http.MethodGet, path+"?defaultToGlobal=true", nil, &cur)
	if err != nil && !absent(err) {
		return fmt.Errorf("reading %s: %w", what, err)
	}
	if cur.Mode != store.ModeImport {
		err := dest.Do(ctx, http.MethodPut, path, map[string]string{"mode": string(store.ModeImport)}, nil)
		if code(err) == int(store.CodeOperationNotPermitted) {
			return fmt.Errorf("setting %s to IMPORT: %w; the destination has subjects there: set IMPORT mode there yourself with force (PUT %s?force=true {\"mode\":\"IMPORT\"}), then resume the exporter", what, err, path)
		}
		if err != nil {
			return fmt.Errorf("setting %s to IMPORT: %w", what, err)
		}
	}
	w.ensured[destContext] = true
	return nil
}

// code is the destination's error_code in err, 0 when there is none.
func code(err error) int {
	var de *DestinationError
	if errors.As(err, &de) {
		return de.Code
	}
	return 0
}
