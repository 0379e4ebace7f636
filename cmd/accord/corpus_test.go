package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/serde/sertest"
)

// `accord check` promises offline the verdict and messages `accord serve` gives. This test
// holds it to that on every case of every corpus in shared/corpora: each case is asked of the
// CLI, run in this process on files in a temporary directory, and of a real registry over
// HTTP, with the earlier schemas registered under a fresh subject; the two answers must be
// equal, messages included. Where compat's conformance tests assert Confluent's verdict, this
// test asserts it too, so that agreeing on a wrong answer does not pass.

// corpusCheck is one question a corpus asks: is new compatible with old under level?
type corpusCheck struct {
	id               string // <case>/<direction>; the corpus file's path and "#" before it make a key
	typ              compat.SchemaType
	level            string   // as --level and PUT /config take it
	old              []string // the earlier versions, oldest first
	new              string
	oldRefs, newRefs []corpusRef // what the old schemas and the new one reference
	// want is the corpus's verdict; nil where it is not asserted because the case needs an
	// option that the CLI does not have.
	want *bool
}

// corpusRef is a referenced schema: its reference name and text.
type corpusRef struct{ name, text string }

// corpusVerdict is an answer, the CLI's or the registry's.
type corpusVerdict struct {
	Compatible bool
	Messages   []string
}

// corpusFile is a corpus file and how its cases become checks; load returns the number of
// cases (a case may give several checks: directions, levels).
type corpusFile struct {
	rel  string
	load func(t *testing.T, dir, rel string) (cases int, checks []corpusCheck)
}

var corpusFiles = []corpusFile{
	{"apache-avro/cases.json", apacheAvroChecks},
	{"confluent/avro/cases.json", confluentAvroChecks},
	{"confluent/jsonschema/diff-schema-examples.json", jsonUpstreamChecks},
	{"confluent/jsonschema/diff-combined-schema-examples.json", jsonUpstreamChecks},
	{"confluent/jsonschema/diff-schema-examples-2020-12.strict.json", jsonUpstreamChecks},
	{"confluent/jsonschema/diff-combined-schema-examples-2020-12.json", jsonUpstreamChecks},
	{"confluent/jsonschema/derived-both-directions.json", jsonDerivedChecks},
	{"confluent/jsonschema/recursive-schema.json", jsonRecursiveChecks},
	{"confluent/protobuf/diff-schema-examples.json", protobufChecks(true)},
	{"confluent/protobuf/diff-schema-examples-with-meta.json", protobufChecks(true)},
	// The legacy file's verdicts are those of Confluent before DGS-24604, which Accord gives
	// only with the store's LegacyProtobufOneof option; neither `accord check` nor the
	// registry's HTTP API can turn it on, so the CLI and the server are compared under the
	// default and Confluent's legacy verdict is not asserted.
	{"confluent/protobuf/legacy/diff-schema-examples.before-DGS-24604.json", protobufChecks(false)},
}

// corpusFilesReadElsewhere are corpus files whose cases are run through another file.
var corpusFilesReadElsewhere = map[string]string{
	"confluent/jsonschema/diff-schema-examples-2020-12.json": "its trailing commas stop encoding/json; the .strict.json copy, otherwise identical (SOURCES.md), is run",
}

// offlineInexpressible are checks, by key, that `accord check` cannot be given, with why.
// They are still asked of the registry and its verdict is asserted; the test fails when a
// listed check becomes expressible or an unlisted one is not, so the list stays exact.
var offlineInexpressible = map[string]string{
	"confluent/protobuf/diff-schema-examples.json#42/backward":                         oneTextPerReference,
	"confluent/protobuf/legacy/diff-schema-examples.before-DGS-24604.json#42/backward": oneTextPerReference,
}

const oneTextPerReference = "the old and the new schema import google.proto from two versions of one subject, " +
	"with different texts; offline, --reference gives one file per name to every schema checked"

// expectedVerdictExceptions are checks, by key, whose Confluent verdict Accord knowingly does
// not give. It mirrors the known-disagreement lists of compat's conformance tests, which are
// empty: every corpus verdict that they assert, this test asserts.
var expectedVerdictExceptions = map[string]string{}

func TestCorpusOfflineMatchesServer(t *testing.T) {
	dir := corpusDir(t)
	requireEveryCorpusFileRun(t, dir)
	// Default NONE: earlier versions go in as the corpus lists them, compatible with each
	// other or not, as upstream tests register them; each subject then gets the case's level.
	reg := &corpusRegistry{cl: sertest.New(t, sertest.WithCompatibility("NONE")).SR()}
	for _, file := range corpusFiles {
		cases, checks := file.load(t, dir, file.rel)
		if cases == 0 || len(checks) == 0 {
			t.Errorf("%s: no cases; has the corpus format changed?", file.rel)
			continue
		}
		var tally corpusTally
		t.Run(file.rel, func(t *testing.T) {
			for _, c := range checks {
				t.Run(c.id, func(t *testing.T) {
					t.Parallel()
					runCorpusCheck(t, reg, file.rel+"#"+c.id, c, &tally)
				})
			}
		})
		if tally.ran.Load() == 0 {
			continue // -run left this file out
		}
		t.Logf("%s: %d cases, %d checks (%d run): offline = server %d, server only %d, corpus verdict asserted and matched %d",
			file.rel, cases, len(checks), tally.ran.Load(), tally.agreements.Load(), tally.serverOnly.Load(), tally.matched.Load())
	}
}

// corpusTally counts one corpus file's outcomes; its checks run in parallel.
type corpusTally struct {
	ran, agreements, serverOnly, matched atomic.Int64
}

// runCorpusCheck asks the registry and the CLI, and compares their answers with each other and
// with the corpus.
func runCorpusCheck(t *testing.T, reg *corpusRegistry, key string, c corpusCheck, tally *corpusTally) {
	tally.ran.Add(1)
	server, err := reg.verdict(t.Context(), key, c)
	if err != nil {
		t.Fatalf("registry: %v", err)
	}
	verdicts := map[string]bool{"server": server.Compatible}
	refs, expressible := offlineRefs(c)
	reason, listed := offlineInexpressible[key]
	switch {
	case listed && expressible:
		t.Errorf("listed in offlineInexpressible (%s) but the CLI can be given it: remove it from the list", reason)
	case listed:
		tally.serverOnly.Add(1)
		t.Logf("server only: %s", reason)
	case !expressible:
		t.Fatalf("a reference name has different texts for the old and the new schema: the CLI cannot be given this; list it in offlineInexpressible if that is expected")
	default:
		offline := offlineVerdict(t, c, refs)
		verdicts["offline"] = offline.Compatible
		if diff := cmp.Diff(server, offline); diff != "" {
			t.Errorf("offline answer differs from the server's (-server +offline):\n%s", diff)
		} else {
			tally.agreements.Add(1)
		}
	}
	if assertExpected(t, key, c, verdicts) {
		tally.matched.Add(1)
	}
}

// assertExpected compares the verdicts with the corpus's, where this test asserts it, and
// reports whether it did and they matched.
func assertExpected(t *testing.T, key string, c corpusCheck, verdicts map[string]bool) bool {
	t.Helper()
	if c.want == nil {
		return false
	}
	if reason, ok := expectedVerdictExceptions[key]; ok {
		t.Logf("known disagreement with Confluent: %s", reason)
		return false
	}
	ok := true
	for _, who := range slices.Sorted(maps.Keys(verdicts)) {
		if verdicts[who] != *c.want {
			t.Errorf("%s: compatible = %v, the corpus says %v", who, verdicts[who], *c.want)
			ok = false
		}
	}
	return ok
}

// corpusExtensions are the file extensions `accord check` reads the schema type from.
var corpusExtensions = map[compat.SchemaType]string{compat.TypeAvro: ".avsc", compat.TypeJSON: ".json", compat.TypeProtobuf: ".proto"}

// offlineVerdict runs `accord check --format json` in this process on the check written to
// files: the references, the old schemas oldest first, then the new one.
func offlineVerdict(t *testing.T, c corpusCheck, refs []corpusRef) corpusVerdict {
	t.Helper()
	dir := t.TempDir()
	ext := corpusExtensions[c.typ]
	// --registry= and --git-base= keep the check to these files even when ACCORD_REGISTRY_URL
	// or ACCORD_GIT_BASE is set around the test (flags win over the environment).
	args := []string{"check", "--registry=", "--git-base=", "--format", "json", "--level", c.level}
	for i, ref := range refs {
		path := writeCorpusFile(t, dir, fmt.Sprintf("ref%d%s", i+1, ext), ref.text)
		args = append(args, "--reference", ref.name+"="+path)
	}
	for i, text := range c.old {
		args = append(args, writeCorpusFile(t, dir, fmt.Sprintf("v%d%s", i+1, ext), text))
	}
	args = append(args, writeCorpusFile(t, dir, "new"+ext, c.new))
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), args, &stdout, &stderr)
	if code != exitCompatible && code != exitIncompatible {
		t.Fatalf("accord %s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
	}
	return offlineReport(t, code, stdout.Bytes())
}

// offlineReport reads the json output of a check of one new schema: its single report is the
// answer, and the exit code and the overall verdict must say the same.
func offlineReport(t *testing.T, code int, stdout []byte) corpusVerdict {
	t.Helper()
	var out jsonOutput
	if err := json.Unmarshal(stdout, &out); err != nil {
		t.Fatalf("accord check --format json: %v in %q", err, stdout)
	}
	if len(out.Checks) != 1 {
		t.Fatalf("accord check --format json: %d reports for one new schema: %s", len(out.Checks), stdout)
	}
	report := out.Checks[0]
	if out.Compatible != report.Compatible || report.Compatible != (code == exitCompatible) {
		t.Errorf("exit %d, compatible = %v overall and %v in the report", code, out.Compatible, report.Compatible)
	}
	return corpusVerdict{Compatible: report.Compatible, Messages: nonNilMessages(report.Messages)}
}

func writeCorpusFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// offlineRefs merges the old and new schemas' references into the one list of --reference
// files the CLI takes for all of them, and reports false when a name would need two texts.
// An extra file does no harm: a schema compiles only what it imports.
func offlineRefs(c corpusCheck) ([]corpusRef, bool) {
	var refs []corpusRef
	for _, ref := range slices.Concat(c.oldRefs, c.newRefs) {
		i := slices.IndexFunc(refs, func(r corpusRef) bool { return r.name == ref.name })
		switch {
		case i < 0:
			refs = append(refs, ref)
		case refs[i].text != ref.text:
			return nil, false
		}
	}
	return refs, true
}

// nonNilMessages lets "no messages" compare equal however an answer spells it.
func nonNilMessages(m []string) []string {
	if m == nil {
		return []string{}
	}
	return m
}

// corpusRegistry asks a real registry. Every check has its own subject, so that no check
// sees another's versions and the version numbers in messages are 1, 2, ... as offline.
type corpusRegistry struct {
	cl   *sr.Client
	next atomic.Int64
}

var corpusSRTypes = map[compat.SchemaType]sr.SchemaType{compat.TypeAvro: sr.TypeAvro, compat.TypeJSON: sr.TypeJSON, compat.TypeProtobuf: sr.TypeProtobuf}

var subjectUnsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// verdict registers the old schemas under a fresh subject, sets the subject's level and asks
// POST /compatibility about the new schema, verbosely for the messages.
func (r *corpusRegistry) verdict(ctx context.Context, key string, c corpusCheck) (corpusVerdict, error) {
	subject := fmt.Sprintf("corpus-%d-%s", r.next.Add(1), subjectUnsafe.ReplaceAllString(key, "_"))
	typ := corpusSRTypes[c.typ]
	oldRefs, err := r.registerRefs(ctx, subject, typ, c.oldRefs)
	if err != nil {
		return corpusVerdict{}, err
	}
	for i, text := range c.old {
		if _, err := r.cl.RegisterSchema(ctx, subject, sr.Schema{Schema: text, Type: typ, References: oldRefs}, -1, -1); err != nil {
			return corpusVerdict{}, fmt.Errorf("register old schema %d: %w", i+1, err)
		}
	}
	level, ok := compat.ParseLevel(c.level)
	if !ok {
		return corpusVerdict{}, fmt.Errorf("unknown level %q", c.level)
	}
	var srLevel sr.CompatibilityLevel
	if err := srLevel.UnmarshalText([]byte(level.String())); err != nil {
		return corpusVerdict{}, err
	}
	if res := r.cl.SetCompatibility(ctx, sr.SetCompatibility{Level: srLevel}, subject); res[0].Err != nil {
		return corpusVerdict{}, fmt.Errorf("set level %s: %w", c.level, res[0].Err)
	}
	newRefs, err := r.registerRefs(ctx, subject, typ, c.newRefs)
	if err != nil {
		return corpusVerdict{}, err
	}
	next := sr.Schema{Schema: c.new, Type: typ, References: newRefs}
	res, err := r.cl.CheckCompatibility(sr.WithParams(ctx, sr.Verbose), subject, checkedVersions(level), next)
	if err != nil {
		return corpusVerdict{}, fmt.Errorf("check: %w", err)
	}
	return corpusVerdict{Compatible: res.Is, Messages: nonNilMessages(res.Messages)}, nil
}

// checkedVersions is the version argument of CheckCompatibility: all versions (-2, POST
// .../versions) for a transitive level, as offline checks every earlier file, else the latest.
func checkedVersions(level compat.Level) int {
	if level.Transitive() {
		return -2
	}
	return -1
}

// registerRefs registers each reference under a subject named after the check's subject and
// the reference: the old and new schemas' references of one name land in one subject, as two
// versions when their texts differ, as Confluent's corpus registers them.
func (r *corpusRegistry) registerRefs(ctx context.Context, subject string, typ sr.SchemaType, refs []corpusRef) ([]sr.SchemaReference, error) {
	var out []sr.SchemaReference
	for _, ref := range refs {
		refSubject := subject + "-ref-" + subjectUnsafe.ReplaceAllString(ref.name, "_")
		ss, err := r.cl.CreateSchema(ctx, refSubject, sr.Schema{Schema: ref.text, Type: typ})
		if err != nil {
			return nil, fmt.Errorf("register reference %s: %w", ref.name, err)
		}
		out = append(out, sr.SchemaReference{Name: ref.name, Subject: refSubject, Version: ss.Version})
	}
	return out, nil
}

// corpusDir finds shared/corpora as compat's conformance tests do: $ACCORD_CORPORA, else
// ../shared/corpora beside the directory holding go.mod. Without it the test skips, except in
// CI (CI=true), where a missing corpus must fail rather than pass unseen.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ACCORD_CORPORA")
	if dir == "" {
		dir = besideModule(t, filepath.Join("..", "shared", "corpora"))
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpora not found at %q (set ACCORD_CORPORA to shared/corpora): %v", dir, err)
		}
		t.Skipf("corpora not found at %q (set ACCORD_CORPORA to shared/corpora): %v", dir, err)
	}
	return dir
}

// besideModule returns rel joined to the directory holding go.mod, or "" outside a module.
func besideModule(t *testing.T, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, rel)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// requireEveryCorpusFileRun fails for a corpus file (a .json file under the corpora) that the
// test neither runs nor reads through another, so that a new corpus is not left out unseen.
func requireEveryCorpusFileRun(t *testing.T, dir string) {
	t.Helper()
	known := map[string]bool{}
	for _, f := range corpusFiles {
		known[f.rel] = true
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if _, elsewhere := corpusFilesReadElsewhere[rel]; !known[rel] && !elsewhere {
			t.Errorf("corpus file %s is not run: add it to corpusFiles", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// readCorpus decodes a corpus file; the corpora were found, so a missing file is a failure.
func readCorpus(t *testing.T, dir, rel string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatalf("corpus %s: %v", rel, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("corpus %s: %v", rel, err)
	}
}

// apacheAvroChecks: Apache Avro records both directions of a reader/writer pair. As in compat's
// conformance test, the reader is the new schema: BACKWARD (new reads
// old) is reader_can_read_writer, FORWARD (old reads new) is writer_can_read_reader.
func apacheAvroChecks(t *testing.T, dir, rel string) (int, []corpusCheck) {
	var corpus struct {
		Cases []struct {
			ID                string `json:"id"`
			Reader            string `json:"reader_schema"`
			Writer            string `json:"writer_schema"`
			ReaderReadsWriter bool   `json:"reader_can_read_writer"`
			WriterReadsReader bool   `json:"writer_can_read_reader"`
		} `json:"cases"`
	}
	readCorpus(t, dir, rel, &corpus)
	var checks []corpusCheck
	for _, c := range corpus.Cases {
		for _, d := range []struct {
			level string
			want  bool
		}{{"BACKWARD", c.ReaderReadsWriter}, {"FORWARD", c.WriterReadsReader}} {
			checks = append(checks, corpusCheck{id: c.ID + "/" + strings.ToLower(d.level), typ: compat.TypeAvro,
				level: d.level, old: []string{c.Writer}, new: c.Reader, want: &d.want})
		}
	}
	return len(corpus.Cases), checks
}

// confluentAvroChecks: each case gives its level and the earlier versions, oldest first.
func confluentAvroChecks(t *testing.T, dir, rel string) (int, []corpusCheck) {
	var corpus struct {
		Cases []struct {
			ID         string   `json:"id"`
			Level      string   `json:"compatibility_level"`
			New        string   `json:"new_schema"`
			Previous   []string `json:"previous_schemas"`
			Compatible bool     `json:"compatible"`
		} `json:"cases"`
	}
	readCorpus(t, dir, rel, &corpus)
	var checks []corpusCheck
	for _, c := range corpus.Cases {
		checks = append(checks, corpusCheck{id: c.ID + "/" + strings.ToLower(c.Level), typ: compat.TypeAvro,
			level: c.Level, old: c.Previous, new: c.New, want: &c.Compatible})
	}
	return len(corpus.Cases), checks
}

// jsonUpstreamChecks: Confluent's JSON Schema diff examples are BACKWARD checks of the update
// against the original. Their compatible_lenient verdicts need compatibilityPolicy LENIENT,
// which `accord check` has no flag for; the default (STRICT) is what both sides run here.
func jsonUpstreamChecks(t *testing.T, dir, rel string) (int, []corpusCheck) {
	var cases []struct {
		Original   json.RawMessage `json:"original_schema"`
		Update     json.RawMessage `json:"update_schema"`
		Compatible bool            `json:"compatible"`
	}
	readCorpus(t, dir, rel, &cases)
	var checks []corpusCheck
	for i, c := range cases {
		checks = append(checks, corpusCheck{id: fmt.Sprintf("%d/backward", i), typ: compat.TypeJSON,
			level: "BACKWARD", old: []string{string(c.Original)}, new: string(c.Update), want: &c.Compatible})
	}
	return len(cases), checks
}

// jsonDerivedChecks: the derived file gives BACKWARD, FORWARD and FULL verdicts of the update
// against the original. Its *_lenient verdicts need compatibilityPolicy LENIENT (no CLI flag).
func jsonDerivedChecks(t *testing.T, dir, rel string) (int, []corpusCheck) {
	type direction struct {
		Compatible bool `json:"compatible"`
	}
	var corpus struct {
		Cases []struct {
			ID       string          `json:"id"`
			Original json.RawMessage `json:"original_schema"`
			Update   json.RawMessage `json:"update_schema"`
			Backward direction       `json:"backward"`
			Forward  direction       `json:"forward"`
			Full     bool            `json:"full"`
		} `json:"cases"`
	}
	readCorpus(t, dir, rel, &corpus)
	var checks []corpusCheck
	for _, c := range corpus.Cases {
		for _, d := range []struct {
			level string
			want  bool
		}{{"BACKWARD", c.Backward.Compatible}, {"FORWARD", c.Forward.Compatible}, {"FULL", c.Full}} {
			checks = append(checks, corpusCheck{id: c.ID + "/" + strings.ToLower(d.level), typ: compat.TypeJSON,
				level: d.level, old: []string{string(c.Original)}, new: string(c.Update), want: &d.want})
		}
	}
	return len(corpus.Cases), checks
}

// jsonRecursiveChecks: the recursive schema is one case, itself against itself, compatible.
func jsonRecursiveChecks(t *testing.T, dir, rel string) (int, []corpusCheck) {
	var schema json.RawMessage
	readCorpus(t, dir, rel, &schema)
	compatible := true
	return 1, []corpusCheck{{id: "self/backward", typ: compat.TypeJSON, level: "BACKWARD",
		old: []string{string(schema)}, new: string(schema), want: &compatible}}
}

// protobufChecks: Confluent's Protobuf diff examples are BACKWARD checks of the update against
// the original, each with the files it imports; assertVerdicts is false for the legacy file.
func protobufChecks(assertVerdicts bool) func(t *testing.T, dir, rel string) (int, []corpusCheck) {
	return func(t *testing.T, dir, rel string) (int, []corpusCheck) {
		type dependency struct {
			Name string `json:"name"`
			Text string `json:"dependency"`
		}
		var cases []struct {
			Original     string       `json:"original_schema"`
			Update       string       `json:"update_schema"`
			OriginalDeps []dependency `json:"original_dependencies"`
			UpdateDeps   []dependency `json:"update_dependencies"`
			Compatible   bool         `json:"compatible"`
		}
		readCorpus(t, dir, rel, &cases)
		refs := func(deps []dependency) []corpusRef {
			var out []corpusRef
			for _, d := range deps {
				// A dependency given by name only is a file Accord bundles (Confluent's
				// meta.proto, decimal.proto) or a well-known one: imported without a reference.
				if d.Text != "" {
					out = append(out, corpusRef{name: d.Name, text: d.Text})
				}
			}
			return out
		}
		var checks []corpusCheck
		for i, c := range cases {
			check := corpusCheck{id: fmt.Sprintf("%d/backward", i), typ: compat.TypeProtobuf, level: "BACKWARD",
				old: []string{protobufCorpusSource(t, dir, c.Original)}, new: protobufCorpusSource(t, dir, c.Update),
				oldRefs: refs(c.OriginalDeps), newRefs: refs(c.UpdateDeps)}
			if assertVerdicts {
				check.want = &c.Compatible
			}
			checks = append(checks, check)
		}
		return len(cases), checks
	}
}

// protobufCorpusSource returns a schema given inline, or as the name of a file under protos/.
func protobufCorpusSource(t *testing.T, dir, s string) string {
	t.Helper()
	if !strings.HasSuffix(s, ".proto") || strings.Contains(s, "\n") {
		return s
	}
	data, err := os.ReadFile(filepath.Join(dir, "confluent", "protobuf", "protos", s))
	if err != nil {
		t.Fatalf("corpus schema %s: %v", s, err)
	}
	return string(data)
}
