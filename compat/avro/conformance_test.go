package avro_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/avro"
	"github.com/accord-registry/accord/compat/internal/compattest"
)

// knownDisagreements lists corpus cases where Accord knowingly answers
// differently, with the reason. It is empty: every case agrees.
var knownDisagreements = map[string]string{}

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
	if !compattest.LoadCorpus(t, "confluent/avro/cases.json", &conf) || !compattest.LoadCorpus(t, "apache-avro/cases.json", &apache) {
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

func runConfluentCase(t *testing.T, c confluentAvroCase) bool {
	level, ok := compat.ParseLevel(c.Level)
	if !ok {
		t.Fatalf("%s: bad level %q", c.ID, c.Level)
	}
	next := compattest.MustParse(t, compat.TypeAvro, c.NewSchema, compat.ParseOptions{New: true})
	var prev []compat.Previous
	for i, p := range c.PreviousSchemas {
		prev = append(prev, compat.Previous{Schema: compattest.MustParse(t, compat.TypeAvro, p, compat.ParseOptions{}), Version: i + 1})
	}
	got := compattest.Checked(next, prev, compat.CheckOptions{Level: level})
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
	reader := compattest.MustParse(t, compat.TypeAvro, c.Reader, compat.ParseOptions{})
	writer := compattest.MustParse(t, compat.TypeAvro, c.Writer, compat.ParseOptions{})
	avroReader, avroWriter := mustParseAvro(t, c.Reader), mustParseAvro(t, c.Writer)
	for _, dir := range []struct {
		name   string
		level  compat.Level
		want   bool
		wantIn []apacheIncompat
		r, w   *avro.Schema
	}{
		{"backward", compat.LevelBackward, c.ReaderReadsWriter, c.Incompat, avroReader, avroWriter},
		{"forward", compat.LevelForward, c.WriterReadsReader, c.ReverseIncompat, avroWriter, avroReader},
	} {
		id := c.ID + "/" + dir.name
		got := compattest.Checked(reader, []compat.Previous{{Schema: writer}}, compat.CheckOptions{Level: dir.level})
		if got.Compatible == dir.want {
			verdicts++
		} else if reason, ok := knownDisagreements[id]; ok {
			t.Logf("%s: known disagreement: %s", id, reason)
		} else {
			t.Errorf("%s: compatible = %v, want %v; messages %q", id, got.Compatible, dir.want, got.Messages)
		}
		list, err := avro.Incompatibilities(dir.r, dir.w)
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

// mustParseAvro parses a stored schema with the avro package alone, whose incompatibility
// list the Apache Avro corpus compares.
func mustParseAvro(t *testing.T, text string) *avro.Schema {
	t.Helper()
	s, err := avro.Parse(text, nil, avro.ParseOptions{})
	if err != nil {
		t.Fatalf("avro.Parse(%s) = %v", text, err)
	}
	return s
}
