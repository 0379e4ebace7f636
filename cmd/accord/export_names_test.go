package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/accord-registry/accord/serde/sertest"
)

// The subject names of the December review 2: paths, a NUL, names that differ only in
// case, an escape that looks like a path, and one too long for a file name (finding 11).
var hostileSubjects = []string{"../../escape", "a/b", "x\x00y", ".hidden", "..", "Orders", "orders", "%2E%2E", strings.Repeat("A", 300)}

// A registry with these subjects exports to one file per subject, every file inside
// DIR/subjects, with a name of at most 255 bytes that no other file has, even on a file
// system that ignores case; each file names its subject.
func TestExportGivesEverySubjectItsOwnFile(t *testing.T) {
	srv := httptest.NewServer(fakeRegistryWith(hostileSubjects))
	defer srv.Close()
	dir := t.TempDir()
	runOK(t, "export", dir, "--registry", srv.URL)

	entries, err := os.ReadDir(filepath.Join(dir, "subjects"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var subjects []string
	for _, e := range entries {
		name := e.Name()
		if len(name) > 255 || seen[strings.ToLower(name)] {
			t.Errorf("file name %q: too long, or another file's but for case", name)
		}
		seen[strings.ToLower(name)] = true
		var s exportedSubject
		if err := readJSONFile(filepath.Join(dir, "subjects", name), &s); err != nil {
			t.Fatal(err)
		}
		subjects = append(subjects, s.Subject)
	}
	want := slices.Clone(hostileSubjects)
	slices.Sort(want)
	slices.Sort(subjects)
	if !slices.Equal(subjects, want) {
		t.Errorf("exported subjects %q, want %q", subjects, want)
	}
	all, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(all) != 2 {
		t.Errorf("the export wrote %q: want registry.json and subjects/ only", all)
	}
}

// The same names (but x\0y, which a registry refuses) survive export and import into a
// fresh registry.
func TestExportImportKeepsHostileSubjectNames(t *testing.T) {
	source, target := sertest.New(t), sertest.New(t)
	var names []string
	for i, s := range hostileSubjects {
		if strings.ContainsRune(s, 0) {
			continue
		}
		names = append(names, s)
		status, body := call(t, "POST", source.URL()+"/subjects/"+url.PathEscape(s)+"/versions", fmt.Sprintf(`{"schema":"{\"type\":\"fixed\",\"name\":\"f\",\"size\":%d}"}`, i+1))
		if status != 200 {
			t.Fatalf("registering %q: %d %s", s, status, body)
		}
	}
	dir := t.TempDir()
	runOK(t, "export", dir, "--registry", source.URL())
	runOK(t, "import", dir, "--registry", target.URL())
	for _, p := range append([]string{"/subjects"}, subjectPaths(names)...) {
		wantStatus, want := getAnswer(t, source.URL(), p)
		gotStatus, got := getAnswer(t, target.URL(), p)
		if gotStatus != wantStatus || got != want || wantStatus != 200 {
			t.Errorf("GET %s:\n source: %d %s\n target: %d %s", p, wantStatus, want, gotStatus, got)
		}
	}
}

func subjectPaths(names []string) []string {
	var paths []string
	for _, n := range names {
		paths = append(paths, "/subjects/"+url.PathEscape(n)+"/versions/1")
	}
	return paths
}

// fakeRegistryWith answers the export's requests for the subjects, each with one version,
// the way a registry that accepted them would; it stands in for one that accepts a NUL.
func fakeRegistryWith(subjects []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		answer := func(status int, v any) {
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(v)
		}
		path := r.URL.EscapedPath()
		switch {
		case path == "/config":
			answer(200, map[string]string{"compatibilityLevel": "BACKWARD"})
		case path == "/mode":
			answer(200, map[string]string{"mode": "READWRITE"})
		case path == "/contexts":
			answer(200, []string{"."})
		case path == "/subjects":
			answer(200, subjects)
		case strings.HasPrefix(path, "/config/"):
			answer(404, map[string]any{"error_code": 40408, "message": "no config"})
		case strings.HasPrefix(path, "/mode/"):
			answer(404, map[string]any{"error_code": 40409, "message": "no mode"})
		case strings.HasPrefix(path, "/subjects/"):
			escaped, version, _ := strings.Cut(strings.TrimPrefix(path, "/subjects/"), "/versions")
			subject, err := url.PathUnescape(escaped)
			if err != nil || !slices.Contains(subjects, subject) {
				answer(404, map[string]any{"error_code": 40401, "message": "Subject not found"})
				return
			}
			if version == "" {
				answer(200, []int{1})
				return
			}
			answer(200, map[string]any{"subject": subject, "version": 1, "id": 1, "schema": `"int"`})
		default:
			w.WriteHeader(404)
			io.WriteString(w, `{"error_code":404,"message":"HTTP 404 Not Found"}`)
		}
	})
}
