package exporter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/accord-registry/accord/store"
)

// progressEvery bounds how often a busy pass persists its offset.
const progressEvery = time.Second

// lanes is how many subjects a pass copies at once. A destination shares its log flushes
// between concurrent writes, so an initial copy of many subjects goes several times faster
// than one subject at a time.
const lanes = 4

// pass copies what changed on the source since the persisted offset, then persists the
// offset the source had when the pass began. Subjects are copied by several lanes at once;
// a subject the destination refuses is copied again, alone, once the others are done,
// because the refusal may only be an ordering between lanes (a version deleted on one lane
// while another has yet to delete the version that references it), and fails the pass only
// if it is refused again. A long pass persists its progress on the way: the offset through
// which every change is copied, never between two changes of the same record.
func (w *worker) pass(ctx context.Context, r *reconciler, def store.Exporter) error {
	start := w.cfg.Source.Offset()
	if start > w.offset && w.behind.IsZero() {
		w.behind = time.Now()
	}
	jobs := r.jobs(ctx, w.cfg.Source.ChangedSince(w.offset))
	p := &passProgress{w: w, jobs: jobs, done: make([]bool, len(jobs)), saved: time.Now()}
	writes, refused, err := p.copyAll(ctx, r)
	if err != nil {
		w.cfg.Metrics.Copied(w.name, writes)
		return err
	}
	for _, i := range refused {
		lane := r.lane()
		err := lane.copy(ctx, jobs[i])
		writes += lane.writes
		if err != nil {
			w.cfg.Metrics.Copied(w.name, writes)
			return err
		}
	}
	var copied []string
	for _, j := range jobs {
		if !j.scope {
			copied = append(copied, j.subject)
		}
	}
	keys := r.lane()
	err = w.copyKeys(ctx, keys, def, copied)
	w.cfg.Metrics.Copied(w.name, writes+keys.writes)
	if err != nil {
		return err
	}
	if start > w.offset {
		if err := w.progress(ctx, start); err != nil {
			return err
		}
	}
	w.reportLag()
	return nil
}

// job is one change a pass copies: a subject, or a scope of configs with its destination.
type job struct {
	subject, dest string
	scope         bool
	offset        int64
}

// jobs are the changes the exporter copies, in offset order. Under ":*:", a context of the
// source in IMPORT mode is left out unless another pattern names it: it is the copy another
// registry's exporter keeps here, and copying it back would nest copies without end when
// two registries export to each other.
func (r *reconciler) jobs(ctx context.Context, changes []store.Change) []job {
	var out []job
	importing := map[string]bool{}
	for _, c := range changes {
		if d, ok := r.m.scope(c.Subject); ok {
			out = append(out, job{subject: c.Subject, dest: d, scope: true, offset: c.Offset})
			continue
		}
		if !r.m.matches(c.Subject) {
			continue
		}
		q := splitSubject(c.Subject)
		if q.ctx != defaultContext && !r.m.matchesNamed(c.Subject, q) {
			on, seen := importing[q.ctx]
			if !seen {
				mode, err := r.source.GetMode(ctx, modeScope(q.ctx), false)
				on = err == nil && mode == store.ModeImport
				importing[q.ctx] = on
			}
			if on {
				continue
			}
		}
		out = append(out, job{subject: c.Subject, offset: c.Offset})
	}
	return out
}

// copy reconciles one job.
func (r *reconciler) copy(ctx context.Context, j job) error {
	if j.scope {
		return r.scopeConfig(ctx, j.subject, j.dest)
	}
	return r.subject(ctx, j.subject)
}

// lane returns a reconciler for one lane: the same source, destination and mapping, its own
// knowledge of the destination and its own count of writes.
func (r *reconciler) lane() *reconciler {
	l := *r
	l.present, l.writes = map[string]bool{}, 0
	return &l
}

// passProgress is a pass's bookkeeping across its lanes: which jobs are done, and the
// prefix of them through which the offset may be persisted.
type passProgress struct {
	w     *worker
	jobs  []job
	mu    sync.Mutex
	done  []bool
	next  int // the first job not yet handed to a lane
	upto  int // jobs[:upto] are all done
	saved time.Time
}

// copyAll runs the lanes over every job. It returns the writes made, the jobs the
// destination refused (to be copied again alone), and an error that ends the pass: the
// destination unreachable, the exporter superseded, or ctx ended.
func (p *passProgress) copyAll(ctx context.Context, r *reconciler) (writes int, refused []int, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var fatal error
	for range min(lanes, len(p.jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane := r.lane()
			for i, ok := p.take(); ok && ctx.Err() == nil; i, ok = p.take() {
				err := lane.copy(ctx, p.jobs[i])
				p.mu.Lock()
				switch {
				case err == nil:
					p.done[i] = true
					err = p.advance(ctx)
				case ctx.Err() == nil && !Retryable(err):
					refused = append(refused, i)
					err = nil
				}
				if err != nil && fatal == nil {
					fatal = err
					cancel()
				}
				p.mu.Unlock()
			}
			p.mu.Lock()
			writes += lane.writes
			p.mu.Unlock()
		}()
	}
	wg.Wait()
	if fatal == nil {
		fatal = ctx.Err()
	}
	slices.Sort(refused)
	return writes, refused, fatal
}

// take hands out the next job.
func (p *passProgress) take() (int, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.next >= len(p.jobs) {
		return 0, false
	}
	p.next++
	return p.next - 1, true
}

// advance moves the done prefix on and, at most once per progressEvery, persists the offset
// of its last job when the next job is of a later record. The caller holds mu.
func (p *passProgress) advance(ctx context.Context) error {
	for p.upto < len(p.jobs) && p.done[p.upto] {
		p.upto++
	}
	if p.upto == 0 || time.Since(p.saved) < progressEvery {
		return nil
	}
	last := p.jobs[p.upto-1].offset
	if p.upto < len(p.jobs) && p.jobs[p.upto].offset == last {
		return nil
	}
	if last <= p.w.offset {
		return nil
	}
	p.saved = time.Now()
	return p.w.progress(ctx, last)
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
	w.ensureMu.Lock()
	defer w.ensureMu.Unlock()
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
