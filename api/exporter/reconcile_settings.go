package exporter

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/accord-registry/accord/store"
)

// scopeConfig makes the config of the destination scope d (the global config for "", a
// context's for ":.ctx:") equal to the source scope's, as config does for a subject. The
// destination context's mode is left alone: it stays IMPORT.
func (r *reconciler) scopeConfig(ctx context.Context, s, d string) error {
	if err := r.ensureContext(ctx, splitSubject(d).ctx); err != nil {
		return err
	}
	return r.config(ctx, s, d)
}

// config makes the destination subject's own config equal to the source subject's, or
// removes it when the source subject has none.
func (r *reconciler) config(ctx context.Context, s, d string) error {
	path := "/config"
	if d != "" {
		path += "/" + url.PathEscape(d)
	}
	src, err := r.source.GetConfig(ctx, s, false)
	hasSrc := err == nil
	if err != nil && storeCode(err) != store.CodeSubjectLevelConfigNotConfigured && storeCode(err) != store.CodeSubjectNotFound {
		return err
	}
	var dst store.ConfigRecord
	err = r.dest.Do(ctx, http.MethodGet, path, nil, &dst)
	hasDst := err == nil
	if err != nil && !absent(err) {
		return &copyError{subject: s, dest: d, step: "reading the config of", err: err}
	}
	src.Subject, dst.Subject = nil, nil
	switch {
	case !hasSrc && !hasDst:
		return nil
	case !hasSrc:
		err = r.write(ctx, http.MethodDelete, path, nil)
		if absent(err) {
			err = nil
		}
	case hasDst && sameJSON(src, dst):
		return nil
	default:
		err = r.write(ctx, http.MethodPut, path, configBody(src, dst))
	}
	if err != nil {
		return &copyError{subject: s, dest: d, step: "copying the config of", err: err}
	}
	return nil
}

// configBody is the PUT /config body that turns dst into src: src's fields, the level named
// "compatibility", and null for every field dst has that src has not (null clears a field).
func configBody(src, dst store.ConfigRecord) map[string]any {
	body := map[string]any{}
	fields := func(c store.ConfigRecord) map[string]json.RawMessage {
		var m map[string]json.RawMessage
		b, _ := json.Marshal(c.ConfigOptions)
		_ = json.Unmarshal(b, &m)
		return m
	}
	srcFields := fields(src)
	for k, v := range srcFields {
		body[k] = v
	}
	for k := range fields(dst) {
		if _, ok := srcFields[k]; !ok {
			body[k] = nil
		}
	}
	if src.CompatibilityLevel != nil {
		body["compatibility"] = src.CompatibilityLevel.String()
	}
	return body
}

func sameJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// mode makes the destination subject's own mode follow the source's (see the package's
// reconciling notes): cur is the destination's mode now, "" for none.
func (r *reconciler) mode(ctx context.Context, s, d string, cur store.Mode) error {
	want, err := r.source.GetMode(ctx, s, false)
	if storeCode(err) == store.CodeSubjectLevelModeNotConfigured || storeCode(err) == store.CodeSubjectNotFound {
		want, err = "", nil
	}
	if err != nil {
		return err
	}
	if want == store.ModeReadWrite {
		want = ""
	}
	if want == cur {
		return nil
	}
	path := "/mode/" + url.PathEscape(d)
	if want == "" {
		err = r.write(ctx, http.MethodDelete, path, nil)
		if absent(err) {
			err = nil
		}
	} else {
		if want == store.ModeImport {
			path += "?force=true"
		}
		err = r.write(ctx, http.MethodPut, path, map[string]string{"mode": string(want)})
	}
	if err != nil {
		return &copyError{subject: s, dest: d, step: "copying the mode of", err: err}
	}
	return nil
}

// destMode is the destination subject's own mode, "" when it has none.
func (r *reconciler) destMode(ctx context.Context, d string) (store.Mode, error) {
	var m struct {
		Mode store.Mode `json:"mode"`
	}
	err := r.dest.Do(ctx, http.MethodGet, "/mode/"+url.PathEscape(d), nil, &m)
	if absent(err) {
		return "", nil
	}
	return m.Mode, err
}
