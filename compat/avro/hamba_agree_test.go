package avro_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/accord-registry/accord/compat/avro"
	"github.com/accord-registry/accord/compat/internal/compattest"
)

// TestHambaAgrees is why Parse no longer asks hamba's parser about new schemas: over every
// Avro schema in the golden data, the fuzz corpus and the corpora, hamba rejects none that
// the strict parse accepts. FuzzHambaAgrees searches beyond them.
func TestHambaAgrees(t *testing.T) {
	texts := hambaAgreeSeeds(t)
	var conf struct{ Cases []confluentAvroCase }
	var apache struct{ Cases []apacheAvroCase }
	if compattest.LoadCorpus(t, "confluent/avro/cases.json", &conf) {
		for _, c := range conf.Cases {
			texts = append(texts, c.NewSchema)
			texts = append(texts, c.PreviousSchemas...)
		}
	}
	if compattest.LoadCorpus(t, "apache-avro/cases.json", &apache) {
		for _, c := range apache.Cases {
			texts = append(texts, c.Reader, c.Writer)
		}
	}
	for _, text := range texts {
		if err := avro.HambaRejects(text); err != nil {
			t.Errorf("accepted as new, rejected by hamba: %v\n%s", err, text)
		}
	}
	withDeps := goldenWithDependencies(t)
	for _, c := range withDeps {
		if err := avro.HambaRejects(c[1], c[0]); err != nil {
			t.Errorf("accepted as new, rejected by hamba: %v\n%s\nwith dependency %s", err, c[1], c[0])
		}
	}
	t.Logf("%d schemas compared alone, %d with a dependency", len(texts), len(withDeps))
}

func FuzzHambaAgrees(f *testing.F) {
	for _, s := range hambaAgreeSeeds(f) {
		f.Add("", s)
	}
	for _, c := range goldenWithDependencies(f) {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, dep, text string) {
		deps := []string{dep}
		if dep == "" {
			deps = nil
		}
		if err := avro.HambaRejects(text, deps...); err != nil {
			t.Fatalf("accepted as new, rejected by hamba: %v\n%s\nwith dependencies %q", err, text, deps)
		}
	})
}

// hambaAgreeSeeds is the golden data's schemas and the texts of FuzzParseAvro's corpus.
func hambaAgreeSeeds(tb testing.TB) []string {
	seeds := fuzzSeeds(tb)
	files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzParseAvro", "*"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if quoted, ok := strings.CutPrefix(line, "string("); ok {
				text, err := strconv.Unquote(strings.TrimSuffix(quoted, ")"))
				if err != nil {
					tb.Fatalf("%s: %v", file, err)
				}
				seeds = append(seeds, text)
			}
		}
	}
	return seeds
}

// goldenWithDependencies pairs each dependency of the golden data (its ref*.avsc files) with
// every other schema of its file.
func goldenWithDependencies(tb testing.TB) [][2]string {
	var pairs [][2]string
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.txtar"))
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		var refs, others []string
		for _, fl := range ar.Files {
			text := strings.TrimSpace(string(fl.Data))
			switch {
			case strings.HasPrefix(fl.Name, "ref") && strings.HasSuffix(fl.Name, ".avsc"):
				refs = append(refs, text)
			case strings.HasSuffix(fl.Name, ".avsc"):
				others = append(others, text)
			}
		}
		for _, r := range refs {
			for _, o := range others {
				pairs = append(pairs, [2]string{r, o})
			}
		}
	}
	return pairs
}
