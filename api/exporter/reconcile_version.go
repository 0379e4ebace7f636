package exporter

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/accord-registry/accord/store"
)

// registration is the body of POST /subjects/{subject}/versions that imports a version with
// its id and version number (the destination must be in IMPORT mode).
type registration struct {
	ID         int               `json:"id"`
	Version    int               `json:"version"`
	SchemaType string            `json:"schemaType,omitempty"`
	Schema     string            `json:"schema"`
	References []store.Reference `json:"references,omitempty"`
	Metadata   *store.Metadata   `json:"metadata,omitempty"`
	RuleSet    *store.RuleSet    `json:"ruleSet,omitempty"`
}

// maxReferenceDepth bounds the chain of references copied ahead of a version.
const maxReferenceDepth = 64

// register writes source version v of s under d, after the versions it references.
func (r *reconciler) register(ctx context.Context, s, d string, v store.Schema) error {
	return r.registerAt(ctx, s, d, v, 0)
}

func (r *reconciler) registerAt(ctx context.Context, s, d string, v store.Schema, depth int) error {
	refs := make([]store.Reference, 0, len(v.References))
	for _, ref := range v.References {
		source, dest := r.m.referenceSubject(s, ref.Subject)
		if err := r.ensureVersion(ctx, source, ref.Version, depth+1); err != nil {
			return fmt.Errorf("reference %s version %d of subject %s version %d (id %d): %w", ref.Subject, ref.Version, s, v.Version, v.ID, err)
		}
		refs = append(refs, store.Reference{Name: ref.Name, Subject: dest, Version: ref.Version})
	}
	body := registration{ID: v.ID, Version: v.Version, SchemaType: string(v.Type), Schema: v.Text,
		References: refs, Metadata: v.Metadata, RuleSet: r.m.ruleSet(v.RuleSet)}
	if err := r.write(ctx, http.MethodPost, "/subjects/"+url.PathEscape(d)+"/versions", body); err != nil {
		return &copyError{subject: s, dest: d, version: v.Version, id: v.ID, step: "registering", err: err}
	}
	r.present[presentKey(d, v.Version)] = true
	r.ids.put(d, v.Version, v.ID)
	return nil
}

// ensureVersion makes sure the destination holds version num of source subject s, which a
// version being copied references: it is copied (with its own references) when missing,
// whether or not the exporter copies s.
func (r *reconciler) ensureVersion(ctx context.Context, s string, num, depth int) error {
	if depth > maxReferenceDepth {
		return fmt.Errorf("references nested deeper than %d", maxReferenceDepth)
	}
	d := r.m.destination(s)
	if r.present[presentKey(d, num)] {
		return nil
	}
	path := fmt.Sprintf("/subjects/%s/versions/%d?deleted=true", url.PathEscape(d), num)
	err := r.dest.Do(ctx, http.MethodGet, path, nil, nil)
	if err == nil {
		r.present[presentKey(d, num)] = true
		return nil
	}
	if !absent(err) {
		return &copyError{subject: s, dest: d, version: num, step: "reading", err: err}
	}
	v, err := r.source.Version(ctx, s, num, true)
	if err != nil {
		return err
	}
	if err := r.ensureContext(ctx, splitSubject(d).ctx); err != nil {
		return err
	}
	return r.registerAt(ctx, s, d, v, depth)
}
