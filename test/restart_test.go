package test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRestartPreservesState builds varied state (subjects with several versions, references,
// soft and hard deletes of versions and subjects, config and mode at global, context and
// subject level, a context with its own ids, an IMPORTed schema), captures everything the API
// shows, restarts the server on the same data directory twice and expects the identical view
// each time. It then checks that the id sequence continues past ids that were hard-deleted.
func TestRestartPreservesState(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOptions{})
	rec := func(name, fields string) string {
		return fmt.Sprintf(`{"type":"record","name":%q,"fields":[%s]}`, name, fields)
	}
	long := func(name string) string { return fmt.Sprintf(`{"name":%q,"type":"long"}`, name) }
	opt := func(name string) string {
		return fmt.Sprintf(`{"name":%q,"type":["null","string"],"default":null}`, name)
	}
	common := `{"type":"record","name":"Common","namespace":"com.acme","fields":[{"name":"id","type":"long"}]}`
	ref := func(subject string, version int) []map[string]any {
		return []map[string]any{{"name": "com.acme.Common", "subject": subject, "version": version}}
	}
	steps := []struct {
		method, path string
		body         any
		want         string // expected response body, compact JSON; "" skips the check
	}{
		{"POST", "/subjects/r-common/versions", schemaBody(common), `{"id":1,"version":1,"guid":"<any>","schemaType":"AVRO","schema":"<any>"}`},
		{"POST", "/subjects/r-order/versions", map[string]any{"schema": rec("Order", `{"name":"c","type":"com.acme.Common"}`), "references": ref("r-common", 1)}, `{"id":2,"version":1,"<rest>":""}`},
		{"POST", "/subjects/r-order/versions", map[string]any{"schema": rec("Order", `{"name":"c","type":"com.acme.Common"},`+opt("note")), "references": ref("r-common", 1)}, `{"id":3,"version":2,"<rest>":""}`},
		{"POST", "/subjects/r-soft/versions", schemaBody(rec("Soft", long("a"))), `{"id":4,"version":1,"<rest>":""}`},
		{"POST", "/subjects/r-soft/versions", schemaBody(rec("Soft", long("a")+","+opt("b"))), `{"id":5,"version":2,"<rest>":""}`},
		{"DELETE", "/subjects/r-soft/versions/1", nil, `1`},
		{"POST", "/subjects/r-gone/versions", schemaBody(rec("Gone", long("a"))), `{"id":6,"version":1,"<rest>":""}`},
		{"DELETE", "/subjects/r-gone", nil, `[1]`},
		{"DELETE", "/subjects/r-gone?permanent=true", nil, `[1]`},
		{"POST", "/subjects/r-deleted/versions", schemaBody(rec("Deleted", long("a"))), `{"id":7,"version":1,"<rest>":""}`},
		{"POST", "/subjects/r-deleted/versions", schemaBody(rec("Deleted", long("a")+","+opt("b"))), `{"id":8,"version":2,"<rest>":""}`},
		{"DELETE", "/subjects/r-deleted", nil, `[1,2]`},
		{"POST", "/subjects/r-shared/versions", schemaBody(common), `{"id":1,"version":1,"<rest>":""}`},
		{"POST", "/subjects/r-hard/versions", schemaBody(rec("Hard", long("a"))), `{"id":9,"version":1,"<rest>":""}`},
		{"POST", "/subjects/r-hard/versions", schemaBody(rec("Hard", long("a")+","+opt("b"))), `{"id":10,"version":2,"<rest>":""}`},
		{"DELETE", "/subjects/r-hard/versions/2", nil, `2`},
		{"DELETE", "/subjects/r-hard/versions/2?permanent=true", nil, `2`},
		// The context .ctx has its own id sequence and a reference inside it.
		{"POST", "/subjects/:.ctx:common/versions", schemaBody(common), `{"id":1,"version":1,"<rest>":""}`},
		{"POST", "/subjects/:.ctx:orders/versions", map[string]any{"schema": rec("CtxOrder", `{"name":"c","type":"com.acme.Common"}`), "references": ref("common", 1)}, `{"id":2,"version":1,"<rest>":""}`},
		{"POST", "/contexts/.ctx/subjects/orders/versions", map[string]any{"schema": rec("CtxOrder", `{"name":"c","type":"com.acme.Common"},`+opt("x")), "references": ref("common", 1)}, `{"id":3,"version":2,"<rest>":""}`},
		{"PUT", "/mode/:.ctx:imported", map[string]string{"mode": "IMPORT"}, `{"mode":"IMPORT"}`},
		{"POST", "/subjects/:.ctx:imported/versions", map[string]any{"schema": rec("Imported", long("a")), "id": 50, "version": 4}, `{"id":50,"version":4,"<rest>":""}`},
		// Config and mode at every level.
		{"PUT", "/config/r-order", map[string]any{"compatibility": "none", "normalize": true}, `{"compatibility":"NONE","normalize":true}`},
		{"PUT", "/config/r-deleted", map[string]any{"compatibility": "FULL", "compatibilityGroup": "major"}, `{"compatibility":"FULL","compatibilityGroup":"major"}`},
		{"PUT", "/config/r-common", map[string]any{"defaultMetadata": map[string]any{"properties": map[string]string{"owner": "a"}}}, ""},
		{"PUT", "/config/:.ctx:", map[string]any{"compatibility": "FORWARD"}, `{"compatibility":"FORWARD"}`},
		{"PUT", "/config", map[string]any{"compatibility": "FULL_TRANSITIVE", "validateFields": true}, `{"compatibility":"FULL_TRANSITIVE","validateFields":true}`},
		{"PUT", "/mode/r-soft", map[string]string{"mode": "READONLY"}, `{"mode":"READONLY"}`},
		{"PUT", "/mode/:.ctx:", map[string]string{"mode": "READONLY"}, `{"mode":"READONLY"}`},
		{"PUT", "/mode/r-hard", map[string]string{"mode": "READWRITE"}, `{"mode":"READWRITE"}`},
		{"PUT", "/mode", map[string]string{"mode": "READONLY"}, `{"mode":"READONLY"}`},
	}
	for _, st := range steps {
		r := s.do(st.method, st.path, st.body)
		if r.Status != http.StatusOK && r.Status != http.StatusNoContent {
			t.Fatalf("%s %s: %d %s", st.method, st.path, r.Status, r.Body)
		}
		if st.want != "" && !jsonLike(t, st.want, r.Body) {
			t.Fatalf("%s %s = %s, want %s", st.method, st.path, r.Body, st.want)
		}
	}

	want := apiSnapshot(t, s)
	for i := range 2 {
		s = s.restart(serverOptions{})
		if diff := cmp.Diff(want, apiSnapshot(t, s)); diff != "" {
			t.Fatalf("state after restart %d differs (-before +after):\n%s", i+1, diff)
		}
	}

	// Ids are never reused while their records remain: the hard-deleted id 10 stays taken.
	if r := s.do("DELETE", "/mode", nil); r.Status != http.StatusOK {
		t.Fatalf("DELETE /mode: %d %s", r.Status, r.Body)
	}
	r := s.do("POST", "/subjects/r-new/versions", schemaBody(rec("New", long("a"))))
	if r.Status != http.StatusOK || !jsonLike(t, `{"id":11,"version":1,"<rest>":""}`, r.Body) {
		t.Fatalf("register after restarts: %d %s, want id 11", r.Status, r.Body)
	}
	// Content whose only version was hard-deleted gets a new id (an id with no remaining subject-
	// versions is absent, as in Confluent), and the freed version number is reused.
	r = s.do("POST", "/subjects/r-hard/versions", schemaBody(rec("Hard", long("a")+","+opt("b"))))
	if r.Status != http.StatusOK || !jsonLike(t, `{"id":12,"version":2,"<rest>":""}`, r.Body) {
		t.Fatalf("re-register hard-deleted content: %d %s, want id 12 version 2", r.Status, r.Body)
	}
	want = apiSnapshot(t, s)
	s = s.restart(serverOptions{})
	if diff := cmp.Diff(want, apiSnapshot(t, s)); diff != "" {
		t.Fatalf("state after third restart differs (-before +after):\n%s", diff)
	}
}

// apiSnapshot captures everything the API shows about the registry's state, as a map from
// request to "status body". Soft-deleted data is included through deleted=true.
func apiSnapshot(t *testing.T, s *server) map[string]string {
	t.Helper()
	out := map[string]string{}
	get := func(path string) response {
		r := s.do("GET", path, nil)
		out[path] = fmt.Sprintf("%d %s", r.Status, r.Body)
		return r
	}
	decode := func(r response, into any) {
		if r.Status != http.StatusOK {
			return
		}
		if err := json.Unmarshal(r.Body, into); err != nil {
			t.Fatalf("decode %s: %v", r.Body, err)
		}
	}
	for _, path := range []string{"/subjects", "/subjects?deletedOnly=true", "/schemas", "/schemas?deleted=true",
		"/schemas?subjectPrefix=:*:&deleted=true", "/config", "/mode", "/contexts", "/config/:.ctx:", "/mode/:.ctx:",
		"/contexts/.ctx/subjects?deleted=true"} {
		get(path)
	}
	var subjects []string
	decode(get("/subjects?deleted=true"), &subjects)
	if len(subjects) < 5 {
		t.Fatalf("snapshot sees only subjects %q", subjects)
	}
	guids := map[string]bool{}
	maxID := map[string]int{}
	for _, subject := range append(subjects, "r-gone") {
		esc := url.PathEscape(subject)
		for _, p := range []string{"/config/", "/mode/"} {
			get(p + esc)
			get(p + esc + "?defaultToGlobal=true")
		}
		get("/subjects/" + esc + "/versions")
		var versions []int
		decode(get("/subjects/"+esc+"/versions?deleted=true"), &versions)
		for _, v := range versions {
			base := fmt.Sprintf("/subjects/%s/versions/%d", esc, v)
			get(base)
			get(base + "/referencedby?deleted=true")
			var sc struct {
				ID   int    `json:"id"`
				GUID string `json:"guid"`
			}
			decode(get(base+"?deleted=true"), &sc)
			guids[sc.GUID] = true
			ctx := ":" + strings.SplitN(strings.TrimPrefix(subject, ":"), ":", 2)[0] + ":"
			if !strings.HasPrefix(subject, ":.") {
				ctx = ""
			}
			maxID[ctx] = max(maxID[ctx], sc.ID)
		}
	}
	for guid := range guids {
		get("/schemas/guids/" + guid)
		get("/schemas/guids/" + guid + "/ids")
	}
	for ctx, top := range maxID {
		for id := 1; id <= top+1; id++ {
			q := "?subject=" + url.QueryEscape(ctx)
			get(fmt.Sprintf("/schemas/ids/%d%s", id, q))
			get(fmt.Sprintf("/schemas/ids/%d/versions%s&deleted=true", id, q))
			get(fmt.Sprintf("/schemas/ids/%d/subjects%s", id, q))
		}
	}
	if len(out) < 50 {
		t.Fatalf("snapshot has only %d entries", len(out))
	}
	return out
}

// jsonLike reports whether got is the JSON value want, where the string "<any>" matches any
// value and a "<rest>" key in an object allows keys want does not list.
func jsonLike(t *testing.T, want string, got []byte) bool {
	t.Helper()
	var w, g any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want %s: %v", want, err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		return false
	}
	return jsonLikeValue(w, g)
}

func jsonLikeValue(want, got any) bool {
	if want == "<any>" {
		return true
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		_, rest := w["<rest>"]
		for k, wv := range w {
			if k == "<rest>" {
				continue
			}
			gv, ok := g[k]
			if !ok || !jsonLikeValue(wv, gv) {
				return false
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok && !rest {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !jsonLikeValue(w[i], g[i]) {
				return false
			}
		}
		return true
	}
	return cmp.Equal(want, got)
}
