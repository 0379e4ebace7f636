package test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/accord-registry/accord/store"
)

var update = flag.Bool("update", false, "rewrite golden files from the server's answers")

// TestGolden replays every testdata/golden/*.txtar exchange against a fresh server. A file is
// a sequence of steps; step NN has a `NN request` section (method and path on the first line,
// an optional JSON body after it), a `NN response` section (status on the first line, then
// the JSON body; the string "<any>" matches any value) and a `NN records` section listing the
// exact key bytes and value of every record the step appended to the log. Section `00 records`
// holds what startup appends. Run with -update to rewrite the expectations, then review the
// diff: these files are the contract with Confluent's clients.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			runGolden(t, file)
		})
	}
}

type goldenStep struct {
	name    string
	request string
}

func runGolden(t *testing.T, file string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t, serverOptions{incompatibleCode: goldenIncompatibleCode(ar.Comment), kms: goldenKMS(ar.Comment),
		maxExporters: commentInt(ar.Comment, "max-exporters")})
	from, keysFrom, exportersFrom := int64(0), int64(0), int64(0)
	from = checkRecords(t, s, ar, "00", from)
	for _, step := range goldenSteps(ar) {
		method, path, headers, body := parseRequest(step.request)
		resp := s.doWith(method, path, body, headers)
		checkResponse(t, ar, step, resp)
		from = checkRecords(t, s, ar, step.name, from)
		keysFrom = checkKeyRecords(t, s, ar, step.name, keysFrom)
		exportersFrom = checkLogSection(t, ar, step.name, "exporters", s.exporterRecords(exportersFrom), exportersFrom)
	}
	if *update {
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// goldenKMS reads an optional "kms: test" line of the comment: the DEK Registry then has
// testKMS for its shared KEKs.
func goldenKMS(comment []byte) store.KMS {
	for _, line := range strings.Split(string(comment), "\n") {
		if strings.TrimSpace(line) == "kms: test" {
			return testKMS{}
		}
	}
	return nil
}

// goldenIncompatibleCode reads an optional "incompatible-error-code: N" line of the comment.
func goldenIncompatibleCode(comment []byte) store.Code {
	return store.Code(commentInt(comment, "incompatible-error-code"))
}

// commentInt reads an optional "key: N" line of the comment; 0 when there is none.
func commentInt(comment []byte, key string) int {
	for _, line := range strings.Split(string(comment), "\n") {
		if v, ok := strings.CutPrefix(line, key+": "); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}

func goldenSteps(ar *txtar.Archive) []goldenStep {
	var steps []goldenStep
	for _, f := range ar.Files {
		if name, ok := strings.CutSuffix(f.Name, " request"); ok {
			steps = append(steps, goldenStep{name: name, request: string(f.Data)})
		}
	}
	return steps
}

// insertSection places a new section after the step's response (or first, for step 00).
func insertSection(ar *txtar.Archive, step string, f txtar.File) {
	at := sectionIndex(ar, step+" response") + 1
	ar.Files = append(ar.Files[:at], append([]txtar.File{f}, ar.Files[at:]...)...)
}

func sectionIndex(ar *txtar.Archive, name string) int {
	for i, f := range ar.Files {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// parseRequest reads "METHOD /path", then optional "Header: value" lines, then the body.
// Content-Type defaults to application/json.
func parseRequest(text string) (method, path string, headers map[string]string, body any) {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	method, path, _ = strings.Cut(strings.TrimSpace(lines[0]), " ")
	headers = map[string]string{"Content-Type": "application/json"}
	i := 1
	for ; i < len(lines) && headerLine.MatchString(lines[i]); i++ {
		k, v, _ := strings.Cut(lines[i], ": ")
		headers[k] = v
	}
	if rest := strings.TrimSpace(strings.Join(lines[i:], "\n")); rest != "" {
		body = rest
	}
	return method, path, headers, body
}

var headerLine = regexp.MustCompile(`^[A-Z][A-Za-z-]*: `)

func checkResponse(t *testing.T, ar *txtar.Archive, step goldenStep, resp response) {
	t.Helper()
	got := fmt.Sprintf("%d\n%s\n", resp.Status, resp.Body)
	idx := sectionIndex(ar, step.name+" response")
	if idx < 0 {
		t.Errorf("step %s: no response section; got %s", step.name, got)
		return
	}
	want := string(ar.Files[idx].Data)
	if *update {
		ar.Files[idx].Data = []byte(keepWildcards(want, got))
		return
	}
	if !matchExchange(want, got) {
		t.Errorf("step %s %s:\n got: %s\nwant: %s", step.name, strings.SplitN(step.request, "\n", 2)[0], got, want)
	}
}

// checkRecords compares the records appended since from with the step's records section and
// returns the new end. Without a section, the step must append nothing.
func checkRecords(t *testing.T, s *server, ar *txtar.Archive, step string, from int64) int64 {
	t.Helper()
	return checkLogSection(t, ar, step, "records", s.records(from), from)
}

// checkKeyRecords is checkRecords for the DEK Registry's log, in the step's `NN keys`
// section.
func checkKeyRecords(t *testing.T, s *server, ar *txtar.Archive, step string, from int64) int64 {
	t.Helper()
	return checkLogSection(t, ar, step, "keys", s.keyRecords(from), from)
}

func checkLogSection(t *testing.T, ar *txtar.Archive, step, kind string, recs []store.Record, from int64) int64 {
	t.Helper()
	idx := sectionIndex(ar, step+" "+kind)
	var b strings.Builder
	next := from
	for _, r := range recs {
		value := "null"
		if r.Value != nil {
			value = string(r.Value)
		}
		fmt.Fprintf(&b, "key: %s\nvalue: %s\n", r.Key, value)
		next = r.Offset + 1
	}
	got := b.String()
	if *update {
		if idx >= 0 {
			ar.Files[idx].Data = []byte(got)
		} else if got != "" {
			insertSection(ar, step, txtar.File{Name: step + " " + kind, Data: []byte(got)})
		}
		return next
	}
	want := ""
	if idx >= 0 {
		want = string(ar.Files[idx].Data)
	}
	if !matchRecords(want, got) {
		name := "(none)"
		if idx >= 0 {
			name = ar.Files[idx].Name
		}
		t.Errorf("%s:\n got:\n%s\nwant:\n%s", name, got, want)
	}
	return next
}

// matchRecords compares keys byte for byte and values as JSON.
func matchRecords(want, got string) bool {
	w, g := strings.Split(strings.TrimSpace(want), "\n"), strings.Split(strings.TrimSpace(got), "\n")
	if len(w) != len(g) {
		return false
	}
	for i := range w {
		if strings.HasPrefix(w[i], "key: ") && w[i] != g[i] {
			return false
		}
		if v, ok := strings.CutPrefix(w[i], "value: "); ok && !jsonMatch(v, strings.TrimPrefix(g[i], "value: ")) {
			return false
		}
	}
	return true
}

// matchExchange compares "status\nbody" texts: status exactly, bodies as JSON with wildcards,
// or byte for byte when the body is not JSON.
func matchExchange(want, got string) bool {
	ws, wb, _ := strings.Cut(strings.TrimSpace(want), "\n")
	gs, gb, _ := strings.Cut(strings.TrimSpace(got), "\n")
	return ws == gs && jsonMatch(wb, gb)
}

func jsonMatch(want, got string) bool {
	var w, g any
	if json.Unmarshal([]byte(want), &w) != nil || json.Unmarshal([]byte(got), &g) != nil {
		return strings.TrimSpace(want) == strings.TrimSpace(got)
	}
	return valueMatch(w, g)
}

func valueMatch(w, g any) bool {
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
			if gg, ok := gv[k]; !ok || !valueMatch(v, gg) {
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
			if !valueMatch(wv[i], gv[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(w, g)
}

// keepWildcards rewrites got for -update but keeps "<any>" where the old expectation had it
// (timestamps, for example), so that updating does not pin values that change between runs.
func keepWildcards(old, got string) string {
	_, ob, _ := strings.Cut(strings.TrimSpace(old), "\n")
	gs, gb, _ := strings.Cut(strings.TrimSpace(got), "\n")
	var o, g any
	_ = json.Unmarshal([]byte(ob), &o) // a new section has no old body: o stays nil
	if json.Unmarshal([]byte(gb), &g) != nil {
		return got
	}
	if !strings.Contains(gb, `"ts":`) && !strings.Contains(ob, "<any>") {
		return got
	}
	merged := wildcardTimestamps(mergeWildcards(o, g))
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(sortedJSON(merged))
	return gs + "\n" + b.String()
}

func mergeWildcards(o, g any) any {
	if o == "<any>" {
		return o
	}
	om, ok1 := o.(map[string]any)
	gm, ok2 := g.(map[string]any)
	if ok1 && ok2 {
		for k, v := range gm {
			gm[k] = mergeWildcards(om[k], v)
		}
	}
	return g
}

// wildcardTimestamps replaces every "ts" value, which changes from run to run, by "<any>".
func wildcardTimestamps(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == "ts" {
				x[k] = "<any>"
			} else {
				x[k] = wildcardTimestamps(e)
			}
		}
	case []any:
		for i := range x {
			x[i] = wildcardTimestamps(x[i])
		}
	}
	return v
}

// sortedJSON exists so that re-encoded maps keep a stable key order (encoding/json sorts).
func sortedJSON(v any) any {
	if m, ok := v.(map[string]any); ok {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			m[k] = sortedJSON(m[k])
		}
	}
	return v
}
