package compat

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// knownDisagreements lists corpus cases where Accord knowingly answers
// differently, with the reason. It is empty: every case agrees.
var knownDisagreements = map[string]string{}

// corporaDir finds shared/corpora: $ACCORD_CORPORA, or ../shared/corpora
// beside the directory holding go.mod.
func corporaDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("ACCORD_CORPORA"); dir != "" {
		return dir
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "corpora")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func loadCorpus(t *testing.T, rel string, v any) bool {
	t.Helper()
	dir := corporaDir(t)
	data, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		// One line that says what is missing and how to supply it; `make test` prints it
		// (the corpora are not part of this repository), and under CI it is a failure.
		msg := fmt.Sprintf("corpora: not found in %s: the agreement with Confluent is not measured; point ACCORD_CORPORA at the directory holding confluent/ and apache-avro/ (default: ../shared/corpora beside this repository)", dir)
		t.Logf("%s: %v", rel, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
		return false
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %s: %v", rel, err)
	}
	return true
}

type confluentAvroCase struct {
	ID              string   `json:"id"`
	Description     string   `json:"description"`
	Level           string   `json:"compatibility_level"`
	NewSchema       string   `json:"new_schema"`
	PreviousSchemas []string `json:"previous_schemas"`
	Compatible      bool     `json:"compatible"`
}

type apacheIncompat struct {
	Type     string `json:"type"`
	Location string `json:"location"`
	Message  string `json:"message"`
}

type apacheAvroCase struct {
	ID                string           `json:"id"`
	Reader            string           `json:"reader_schema"`
	Writer            string           `json:"writer_schema"`
	ReaderReadsWriter bool             `json:"reader_can_read_writer"`
	Incompat          []apacheIncompat `json:"incompatibilities"`
	WriterReadsReader bool             `json:"writer_can_read_reader"`
	ReverseIncompat   []apacheIncompat `json:"reverse_incompatibilities"`
}

func TestConformanceAvro(t *testing.T) {
	var conf struct{ Cases []confluentAvroCase }
	var apache struct{ Cases []apacheAvroCase }
	if !loadCorpus(t, "confluent/avro/cases.json", &conf) || !loadCorpus(t, "apache-avro/cases.json", &apache) {
		return
	}
	confOK := 0
	for _, c := range conf.Cases {
		if runConfluentCase(t, c) {
			confOK++
		}
	}
	verdicts, messages := 0, 0
	for _, c := range apache.Cases {
		v, m := runApacheCase(t, c)
		verdicts += v
		messages += m
	}
	t.Logf("avro conformance: confluent %d/%d, apache-avro verdicts %d/%d, messages %d/%d",
		confOK, len(conf.Cases), verdicts, 2*len(apache.Cases), messages, 2*len(apache.Cases))
}

func mustParse(t *testing.T, text string, opts ParseOptions) *Schema {
	t.Helper()
	s, err := Parse(TypeAvro, text, nil, opts)
	if err != nil {
		t.Fatalf("Parse(%s) = %v", text, err)
	}
	return s
}

func runConfluentCase(t *testing.T, c confluentAvroCase) bool {
	level, ok := ParseLevel(c.Level)
	if !ok {
		t.Fatalf("%s: bad level %q", c.ID, c.Level)
	}
	next := mustParse(t, c.NewSchema, ParseOptions{New: true})
	var prev []Previous
	for i, p := range c.PreviousSchemas {
		prev = append(prev, Previous{Schema: mustParse(t, p, ParseOptions{}), Version: i + 1})
	}
	got := checked(next, prev, CheckOptions{Level: level})
	if got.Compatible == c.Compatible {
		return true
	}
	if reason, ok := knownDisagreements[c.ID]; ok {
		t.Logf("%s: known disagreement: %s", c.ID, reason)
		return false
	}
	t.Errorf("%s (%s): Check = %v %q, want compatible=%v", c.ID, c.Description, got.Compatible, got.Messages, c.Compatible)
	return false
}

// runApacheCase checks both directions; it returns how many verdicts and
// incompatibility lists agree.
func runApacheCase(t *testing.T, c apacheAvroCase) (verdicts, messages int) {
	reader := mustParse(t, c.Reader, ParseOptions{})
	writer := mustParse(t, c.Writer, ParseOptions{})
	for _, dir := range []struct {
		name   string
		level  Level
		want   bool
		wantIn []apacheIncompat
		r, w   *Schema
	}{
		{"backward", LevelBackward, c.ReaderReadsWriter, c.Incompat, reader, writer},
		{"forward", LevelForward, c.WriterReadsReader, c.ReverseIncompat, writer, reader},
	} {
		id := c.ID + "/" + dir.name
		got := checked(reader, []Previous{{Schema: writer}}, CheckOptions{Level: dir.level})
		if got.Compatible == dir.want {
			verdicts++
		} else if reason, ok := knownDisagreements[id]; ok {
			t.Logf("%s: known disagreement: %s", id, reason)
		} else {
			t.Errorf("%s: compatible = %v, want %v; messages %q", id, got.Compatible, dir.want, got.Messages)
		}
		list, err := avro_Incompatibilities(dir.r.parsed.(*avro_Schema), dir.w.parsed.(*avro_Schema))
		if err != nil {
			t.Errorf("%s: exception %v", id, err)
			continue
		}
		gotIn := make([]apacheIncompat, 0, len(list))
		for _, inc := range list {
			gotIn = append(gotIn, apacheIncompat{Type: inc.Type, Location: inc.Location, Message: inc.Message})
		}
		if dir.wantIn == nil {
			dir.wantIn = []apacheIncompat{}
		}
		if diff := cmp.Diff(dir.wantIn, gotIn); diff != "" {
			t.Errorf("%s: incompatibilities (-want +got):\n%s", id, diff)
			continue
		}
		messages++
	}
	return verdicts, messages
}
