package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/accord-registry/accord/serde/sertest"
)

// TestExportImportGivesIdenticalAnswers fills a registry with what a migration must carry
// (three formats, references across subjects, soft-deleted versions and subjects, a
// permanently deleted version, subject configs and modes, metadata and rule sets, a
// subject in another context), exports it, imports the export into a fresh registry, and
// compares every GET answer of the two registries about subjects, versions, ids, configs
// and modes. Only "ts", the time a version was registered in that registry, may differ.
func TestExportImportGivesIdenticalAnswers(t *testing.T) {
	source, target := sertest.New(t), sertest.New(t)
	fillForMigration(t, source.URL())
	dir := t.TempDir()
	runOK(t, "export", dir, "--registry", source.URL())
	runOK(t, "import", dir, "--registry", target.URL())

	paths := crawl(t, source.URL())
	if len(paths) < 60 {
		t.Fatalf("only %d GET paths to compare: the crawl missed the registry's contents", len(paths))
	}
	for _, p := range paths {
		wantStatus, want := getAnswer(t, source.URL(), p)
		gotStatus, got := getAnswer(t, target.URL(), p)
		if gotStatus != wantStatus || got != want {
			t.Errorf("GET %s:\n source: %d %s\n target: %d %s", p, wantStatus, want, gotStatus, got)
		}
	}
	// The target is writable again, and its id counter continues after the imported ids.
	status, body := call(t, "POST", target.URL()+"/subjects/after-import/versions", `{"schema":"\"string\""}`)
	if status != 200 || !strings.Contains(body, `"id":9`) {
		t.Errorf("registering after the import: %d %s, want id 9 (one more than the highest imported)", status, body)
	}
}

func TestImportRefusesANonEmptyRegistryWithoutForce(t *testing.T) {
	source, target := sertest.New(t), sertest.New(t)
	call(t, "POST", source.URL()+"/subjects/a/versions", `{"schema":"\"int\""}`)
	call(t, "POST", target.URL()+"/subjects/b/versions", `{"schema":"\"int\""}`)
	dir := t.TempDir()
	runOK(t, "export", dir, "--registry", source.URL())
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"import", dir, "--registry", target.URL()}, io.Discard, &stderr); code != 1 || !strings.Contains(stderr.String(), "42205") ||
		!strings.Contains(stderr.String(), "--force") {
		t.Fatalf("import into a registry with subjects: exit %d, %s; want 1 with the registry's 42205 and a word on --force", code, stderr.String())
	}
	// With --force the ids are kept where they do not collide: id 1 is the same schema in both.
	runOK(t, "import", dir, "--registry", target.URL(), "--force")
	if _, body := getAnswer(t, target.URL(), "/subjects"); body != `["a","b"]` {
		t.Errorf("subjects after a forced import: %s", body)
	}
	if _, body := getAnswer(t, target.URL(), "/mode"); body != `{"mode":"READWRITE"}` {
		t.Errorf("mode after the import: %s", body)
	}
	call(t, "POST", source.URL()+"/subjects/c/versions", `{"schema":"\"string\""}`)
	call(t, "POST", target.URL()+"/subjects/d/versions", `{"schema":"\"bytes\""}`)
	runOK(t, "export", dir, "--registry", source.URL())
	var stderr2 bytes.Buffer
	if code := run(context.Background(), []string{"import", dir, "--registry", target.URL(), "--force"}, io.Discard, &stderr2); code != 1 ||
		!strings.Contains(stderr2.String(), "Overwrite new schema with id 2") {
		t.Errorf("an import whose id 2 is another schema in the target: exit %d, %s; want 1 and the registry's refusal", code, stderr2.String())
	}
	if _, body := getAnswer(t, target.URL(), "/mode"); body != `{"mode":"READWRITE"}` {
		t.Errorf("mode after a failed import: %s, want READWRITE again", body)
	}
}

// fillForMigration registers the contents of the migration test; the comments say which id
// each registration gets.
func fillForMigration(t *testing.T, base string) {
	t.Helper()
	steps := []struct{ method, path, body string }{
		{"PUT", "/config", `{"compatibility":"FULL_TRANSITIVE"}`},
		// id 1: an Avro type other schemas reference; id 2: a schema referencing it.
		{"POST", "/subjects/money/versions", `{"schema":"{\"type\":\"record\",\"name\":\"Money\",\"namespace\":\"acme\",\"fields\":[{\"name\":\"units\",\"type\":\"long\"}]}"}`},
		{"POST", "/subjects/orders-value/versions", `{"schema":"{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"acme\",\"fields\":[{\"name\":\"total\",\"type\":\"acme.Money\"}]}","references":[{"name":"acme.Money","subject":"money","version":1}]}`},
		// id 3: a second version with metadata and a rule set.
		{"POST", "/subjects/orders-value/versions", `{"schema":"{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"acme\",\"fields\":[{\"name\":\"total\",\"type\":\"acme.Money\"},{\"name\":\"note\",\"type\":\"string\",\"default\":\"\"}]}","references":[{"name":"acme.Money","subject":"money","version":1}],"metadata":{"properties":{"owner":"payments"}},"ruleSet":{"domainRules":[{"name":"checkTotal","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"message.total.units > 0"}]}}`},
		// ids 4 and 5: JSON Schema with a $ref to another subject.
		{"POST", "/subjects/address/versions", `{"schemaType":"JSON","schema":"{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"}`},
		{"POST", "/subjects/customers-value/versions", `{"schemaType":"JSON","schema":"{\"type\":\"object\",\"properties\":{\"address\":{\"$ref\":\"address.json\"}}}","references":[{"name":"address.json","subject":"address","version":1}]}`},
		// id 6: Protobuf, in a subject with "/" in its name, later soft-deleted whole.
		{"POST", "/subjects/team%2Fevents/versions", `{"schemaType":"PROTOBUF","schema":"syntax = \"proto3\";\npackage acme;\nmessage Event { string id = 1; }\n"}`},
		{"DELETE", "/subjects/team%2Fevents", ""},
		// Ids are per context: id 1 of context .staging; the same schema under another
		// subject of the default context shares its id 1.
		{"POST", "/subjects/:.staging:money/versions", `{"schema":"{\"type\":\"record\",\"name\":\"Money\",\"namespace\":\"acme\",\"fields\":[{\"name\":\"units\",\"type\":\"long\"}]}"}`},
		{"POST", "/subjects/money-copy/versions", `{"schema":"{\"type\":\"record\",\"name\":\"Money\",\"namespace\":\"acme\",\"fields\":[{\"name\":\"units\",\"type\":\"long\"}]}"}`},
		// ids 7, 8, 9; version 1 soft-deleted, version 3 (id 9) permanently deleted.
		{"PUT", "/config/plain", `{"compatibility":"NONE"}`},
		{"POST", "/subjects/plain/versions", `{"schema":"\"int\""}`},
		{"POST", "/subjects/plain/versions", `{"schema":"\"long\""}`},
		{"POST", "/subjects/plain/versions", `{"schema":"\"string\""}`},
		{"DELETE", "/subjects/plain/versions/1", ""},
		{"DELETE", "/subjects/plain/versions/3", ""},
		{"DELETE", "/subjects/plain/versions/3?permanent=true", ""},
		// Subject settings.
		{"PUT", "/config/orders-value", `{"compatibility":"BACKWARD","normalize":true}`},
		{"PUT", "/mode/customers-value", `{"mode":"READONLY"}`},
	}
	for _, s := range steps {
		if status, body := call(t, s.method, base+s.path, s.body); status != 200 {
			t.Fatalf("%s %s: %d %s", s.method, s.path, status, body)
		}
	}
}

// crawl lists every GET path that answers about the registry's contents.
func crawl(t *testing.T, base string) []string {
	t.Helper()
	paths := []string{"/subjects", "/subjects?deleted=true", "/schemas", "/schemas?deleted=true", "/config", "/mode", "/contexts"}
	var subjects []string
	decodeAnswer(t, base, "/subjects?deleted=true", &subjects)
	ids := map[int]string{}
	for _, s := range subjects {
		sp := "/subjects/" + url.PathEscape(s)
		paths = append(paths, sp+"/versions", sp+"/versions?deleted=true", "/config/"+url.PathEscape(s),
			"/mode/"+url.PathEscape(s), "/config/"+url.PathEscape(s)+"?defaultToGlobal=true")
		var versions []int
		decodeAnswer(t, base, sp+"/versions?deleted=true", &versions)
		for _, v := range versions {
			vp := fmt.Sprintf("%s/versions/%d", sp, v)
			paths = append(paths, vp, vp+"?deleted=true", vp+"/schema?deleted=true", vp+"/referencedby")
			var rs registered
			decodeAnswer(t, base, vp+"?deleted=true", &rs)
			ids[rs.ID] = rs.Subject
		}
		paths = append(paths, sp+"/versions/latest", sp+"/versions/99")
	}
	for id, subject := range ids {
		ip := fmt.Sprintf("/schemas/ids/%d", id)
		paths = append(paths, ip, ip+"/subjects", ip+"/subjects?deleted=true", ip+"/versions", ip+"/versions?deleted=true",
			ip+"?subject="+url.QueryEscape(subject))
		var s struct{ GUID string }
		decodeAnswer(t, base, ip, &s)
		paths = append(paths, "/schemas/guids/"+s.GUID, "/schemas/guids/"+s.GUID+"/ids")
	}
	slices.Sort(paths)
	return slices.Compact(paths)
}

// getAnswer GETs a path and returns the status and the body with every "ts" removed.
func getAnswer(t *testing.T, base, path string) (int, string) {
	t.Helper()
	status, body := call(t, "GET", base+path, "")
	var v any
	if json.Unmarshal([]byte(body), &v) != nil {
		return status, body
	}
	out, err := json.Marshal(withoutTimestamps(v))
	if err != nil {
		t.Fatal(err)
	}
	return status, string(out)
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

func decodeAnswer(t *testing.T, base, path string, into any) {
	t.Helper()
	status, body := call(t, "GET", base+path, "")
	if status != 200 {
		t.Fatalf("GET %s: %d %s", path, status, body)
	}
	if err := json.Unmarshal([]byte(body), into); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

func call(t *testing.T, method, target, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// runOK runs an accord command in-process and fails the test unless it exits 0.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("accord %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// TestExportFromARegistryWithoutContextsOrModes: registries older than Confluent 5.2/7.x, and
// Karapace, answer a plain 404 to /contexts and per-subject /mode; the export goes on.
func TestExportFromARegistryWithoutContextsOrModes(t *testing.T) {
	source := sertest.New(t)
	call(t, "POST", source.URL()+"/subjects/a/versions", `{"schema":"\"int\""}`)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/contexts" || strings.HasPrefix(r.URL.Path, "/mode/") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error_code":404,"message":"HTTP 404 Not Found"}`)
			return
		}
		httputil.NewSingleHostReverseProxy(mustParseURL(t, source.URL())).ServeHTTP(w, r)
	}))
	defer proxy.Close()
	dir := t.TempDir()
	if out := runOK(t, "export", dir, "--registry", proxy.URL); !strings.Contains(out, "exported 1 subjects, 1 versions") {
		t.Fatalf("export: %s", out)
	}
}

func mustParseURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
