package exporter_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// side is one registry as a comparison reads it: where it answers, what a source subject
// is called there, and how its answers are made comparable (the destination names subjects
// in its target context, and maybe renamed).
type side struct {
	base    string
	subject func(string) string
	clean   func(string) string
}

func (e *env) sourceSide() side {
	return side{base: e.sourceURL, subject: func(s string) string { return s }, clean: func(b string) string { return b }}
}

// destSide is the destination seen through the exporter's placement: a subject of source
// context srcCtx is in context dstCtx there, its name prefixed with prefix; answers are
// cleaned of both, so that they read as the source's.
func (e *env) destSide(srcCtx, dstCtx, prefix string) side {
	qualify := func(s string) string {
		name := strings.TrimPrefix(s, ":"+srcCtx+":")
		if dstCtx == "." {
			return prefix + name
		}
		return ":" + dstCtx + ":" + prefix + name
	}
	clean := func(b string) string {
		if prefix != "" {
			b = strings.ReplaceAll(b, prefix, "")
		}
		if dstCtx != srcCtx {
			to := ""
			if srcCtx != "." {
				to = ":" + srcCtx + ":"
			}
			b = strings.ReplaceAll(b, ":"+dstCtx+":", to)
		}
		return b
	}
	return side{base: e.dest.URL(), subject: qualify, clean: clean}
}

// withoutGUIDs is a side whose answers are compared without "guid": a copy whose
// references name renamed subjects has other content, so another GUID.
func withoutGUIDs(x side) side {
	clean := x.clean
	x.clean = func(b string) string { return guids.ReplaceAllString(clean(b), `"guid":""`) }
	return x
}

var guids = regexp.MustCompile(`"guid":"[^"]*"`)

// assertSame compares the answers of the two sides about each subject: its versions (live,
// soft-deleted, all), every version with its id, schema, references, metadata and rule
// set, the schema of every id under the subject, its config and its mode. Only "ts" may
// differ. A subject that is gone on the source must be gone on the destination.
func assertSame(t *testing.T, src, dst side, subjects ...string) {
	t.Helper()
	compared := 0
	for _, s := range subjects {
		for _, p := range subjectPaths(t, src, s) {
			srcPath, dstPath := p(src), p(dst)
			wantStatus, want := answer(t, src, srcPath)
			gotStatus, got := answer(t, dst, dstPath)
			if gotStatus != wantStatus || got != want {
				t.Errorf("subject %s: GET %s answers %d %s\nbut GET %s on the destination answers %d %s",
					s, srcPath, wantStatus, want, dstPath, gotStatus, got)
			}
			compared++
		}
	}
	if compared < 6*len(subjects) {
		t.Fatalf("only %d answers compared for %d subjects", compared, len(subjects))
	}
}

// subjectPaths lists the GET paths about subject s, as functions of the side.
func subjectPaths(t *testing.T, src side, s string) []func(side) string {
	t.Helper()
	sub := func(rest string) func(side) string {
		return func(x side) string { return "/subjects/" + url.PathEscape(x.subject(s)) + rest }
	}
	paths := []func(side) string{
		sub("/versions"), sub("/versions?deleted=true"), sub("/versions?deletedOnly=true"), sub("/versions/latest"),
		func(x side) string { return "/config/" + url.PathEscape(x.subject(s)) },
		func(x side) string { return "/mode/" + url.PathEscape(x.subject(s)) },
	}
	var versions []int
	if status, body := answer(t, src, paths[1](src)); status == 200 {
		if err := json.Unmarshal([]byte(body), &versions); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range versions {
		vp := fmt.Sprintf("/versions/%d", v)
		paths = append(paths, sub(vp), sub(vp+"?deleted=true"), sub(vp+"/schema?deleted=true"), sub(vp+"/referencedby"))
		var version struct{ ID int }
		_, body := answer(t, src, sub(vp+"?deleted=true")(src))
		if err := json.Unmarshal([]byte(body), &version); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, func(x side) string {
			return fmt.Sprintf("/schemas/ids/%d?subject=%s", version.ID, url.QueryEscape(x.subject(s)))
		})
	}
	return paths
}

// answer GETs a path and returns the status and the cleaned body without any "ts".
func answer(t *testing.T, x side, path string) (int, string) {
	t.Helper()
	status, body := call(t, "GET", x.base+path, "")
	var v any
	if json.Unmarshal([]byte(body), &v) == nil {
		b, err := json.Marshal(withoutTimestamps(v))
		if err != nil {
			t.Fatal(err)
		}
		body = string(b)
	}
	return status, x.clean(body)
}

func withoutTimestamps(v any) any {
	switch v := v.(type) {
	case map[string]any:
		delete(v, "ts")
		for k, e := range v {
			v[k] = withoutTimestamps(e)
		}
	case []any:
		for i, e := range v {
			v[i] = withoutTimestamps(e)
		}
	}
	return v
}
