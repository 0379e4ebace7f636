package api

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/accord-registry/accord/api/exporter"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

var updateExporters = flag.Bool("update-exporters", false, "rewrite testdata/exporters*.txtar from the server's answers")

// TestExportersGolden replays every testdata/exporters*.txtar exchange against an API with
// exporters, as test/golden_test.go replays the registry's: step NN has a `NN request`
// section (method and path, then an optional body), a `NN response` section (status, then
// the body; "<any>" matches any value) and a `NN records` section with every record the step
// appended to the exporters' log (keys byte for byte, values as JSON); a step without one
// appends nothing. The comment may set "max-exporters: N". No runner is started: the states
// are those the API writes.
func TestExportersGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/exporters*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) { runExportersGolden(t, file) })
	}
}

func runExportersGolden(t *testing.T, file string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	st, log := openExportersLog(t)
	cfg := exporter.ManagerConfig{MaxExporters: commentInt(ar.Comment, "max-exporters")}
	base := serveHTTP(t, New(Config{Store: openTestStore(t), Logger: testLogger(t),
		Exporters: exporter.NewManager(exporter.NewCatalog(st, st), cfg)})).URL
	var from int64 // past what opening the store appended
	if err := log.ReadFrom(0, func(r store.Record) error { from = r.Offset + 1; return nil }); err != nil {
		t.Fatal(err)
	}
	for i := range ar.Files {
		name, ok := strings.CutSuffix(ar.Files[i].Name, " request")
		if !ok {
			continue
		}
		lines := strings.SplitN(strings.TrimSpace(string(ar.Files[i].Data)), "\n", 2)
		method, path, _ := strings.Cut(lines[0], " ")
		body := ""
		if len(lines) == 2 {
			body = lines[1]
		}
		got, _ := do(t, method, base+path, body, nil)
		goldenSection(t, ar, name+" response", fmt.Sprintf("%d\n%s\n", got.Status, got.Body), lines[0])
		var recs strings.Builder
		if err := log.ReadFrom(from, func(r store.Record) error {
			value := "null"
			if r.Value != nil {
				value = string(r.Value)
			}
			fmt.Fprintf(&recs, "key: %s\nvalue: %s\n", r.Key, value)
			from = r.Offset + 1
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		goldenSection(t, ar, name+" records", recs.String(), lines[0])
	}
	if *updateExporters {
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// goldenSection compares got with the named section (absent = empty), line by line: the
// first line (a status or a key) exactly, the others as JSON with wildcards.
func goldenSection(t *testing.T, ar *txtar.Archive, name, got, request string) {
	t.Helper()
	idx := -1
	for i, f := range ar.Files {
		if f.Name == name {
			idx = i
		}
	}
	if *updateExporters {
		got = tsWildcard.ReplaceAllString(got, `"ts":"<any>"`)
		switch {
		case idx >= 0:
			ar.Files[idx].Data = []byte(got)
		case got != "":
			at := len(ar.Files)
			for i, f := range ar.Files {
				if strings.HasPrefix(name, strings.Fields(f.Name)[0]+" ") && strings.HasSuffix(f.Name, " response") {
					at = i + 1
				}
			}
			ar.Files = append(ar.Files[:at], append([]txtar.File{{Name: name, Data: []byte(got)}}, ar.Files[at:]...)...)
		}
		return
	}
	want := ""
	if idx >= 0 {
		want = string(ar.Files[idx].Data)
	}
	w, g := strings.Split(strings.TrimSpace(want), "\n"), strings.Split(strings.TrimSpace(got), "\n")
	same := len(w) == len(g)
	for i := 0; same && i < len(w); i++ {
		same = w[i] == g[i] || goldenJSONMatch(w[i], g[i])
	}
	if !same {
		t.Errorf("%s (%s):\n got:\n%s\nwant:\n%s", name, request, got, want)
	}
}

var tsWildcard = regexp.MustCompile(`"ts":\d+`)

func goldenJSONMatch(want, got string) bool {
	want, _ = strings.CutPrefix(want, "value: ")
	got, _ = strings.CutPrefix(got, "value: ")
	var w, g any
	if json.Unmarshal([]byte(want), &w) != nil || json.Unmarshal([]byte(got), &g) != nil {
		return false
	}
	return goldenValueMatch(w, g)
}

func goldenValueMatch(w, g any) bool {
	if w == "<any>" {
		return true
	}
	switch wv := w.(type) {
	case map[string]any:
		gv, ok := g.(map[string]any)
		if !ok || len(gv) != len(wv) {
			return false
		}
		for k, v := range wv {
			if gg, ok := gv[k]; !ok || !goldenValueMatch(v, gg) {
				return false
			}
		}
		return true
	case []any:
		gv, ok := g.([]any)
		if !ok || len(gv) != len(wv) {
			return false
		}
		for i := range wv {
			if !goldenValueMatch(wv[i], gv[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(w, g)
}

func commentInt(comment []byte, key string) int {
	for _, line := range strings.Split(string(comment), "\n") {
		if v, ok := strings.CutPrefix(line, key+": "); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}

// openExportersLog opens the exporters' store on a log of its own, as accord serve does.
func openExportersLog(t *testing.T) (*store.Store, *filelog.Log) {
	t.Helper()
	log, err := filelog.Open(t.TempDir(), filelog.Config{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), store.Config{Log: log})
	if err != nil {
		log.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		st.Close()
		log.Close()
	})
	return st, log
}
