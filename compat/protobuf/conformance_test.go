package protobuf_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
	"github.com/accord-registry/accord/compat/protobuf"
)

// protobufKnownDisagreements lists corpus cases (file#index) where Accord knowingly
// answers differently, with the reason (see the package documentation).
var protobufKnownDisagreements = map[string]string{}

type protobufCorpusDep struct {
	Name       string `json:"name"`
	Dependency string `json:"dependency"`
}

type protobufCorpusCase struct {
	Description  string              `json:"description"`
	Original     string              `json:"original_schema"`
	Update       string              `json:"update_schema"`
	OriginalDeps []protobufCorpusDep `json:"original_dependencies"`
	UpdateDeps   []protobufCorpusDep `json:"update_dependencies"`
	Changes      []string            `json:"changes"`
	Compatible   bool                `json:"compatible"`
}

func TestConformanceProtobuf(t *testing.T) {
	for _, file := range []struct {
		rel    string
		legacy bool
	}{
		{"confluent/protobuf/diff-schema-examples.json", false},
		{"confluent/protobuf/diff-schema-examples-with-meta.json", false},
		{"confluent/protobuf/legacy/diff-schema-examples.before-DGS-24604.json", true},
	} {
		var cases []protobufCorpusCase
		if !compattest.LoadCorpus(t, file.rel, &cases) {
			return
		}
		verdicts, changes := 0, 0
		for i, c := range cases {
			v, ch := runProtobufCase(t, file.rel+"#"+strconv.Itoa(i), c, file.legacy)
			verdicts += v
			changes += ch
		}
		t.Logf("protobuf conformance: %s verdicts %d/%d, changes %d/%d", filepath.Base(file.rel),
			verdicts, len(cases), changes, len(cases))
	}
}

// protobufCorpusText returns a schema given inline or as a file under protos/.
func protobufCorpusText(t *testing.T, s string) string {
	t.Helper()
	if !strings.HasSuffix(s, ".proto") || strings.Contains(s, "\n") {
		return s
	}
	data, err := os.ReadFile(filepath.Join(compattest.CorporaDir(t), "confluent", "protobuf", "protos", s))
	if err != nil {
		t.Fatalf("corpus schema %s: %v", s, err)
	}
	return string(data)
}

// protobufCorpusDeps turns the case's dependencies into Dependency values; a dependency
// given by name only is a bundled or well-known file and needs no reference.
func protobufCorpusDeps(deps []protobufCorpusDep) []compat.Dependency {
	var out []compat.Dependency
	for _, d := range deps {
		if d.Dependency == "" {
			continue
		}
		out = append(out, compat.Dependency{Name: d.Name, Type: compat.TypeProtobuf, Schema: d.Dependency})
	}
	return out
}

func runProtobufCase(t *testing.T, id string, c protobufCorpusCase, legacy bool) (verdicts, changes int) {
	t.Helper()
	origText, origDeps := protobufCorpusText(t, c.Original), protobufCorpusDeps(c.OriginalDeps)
	updText, updDeps := protobufCorpusText(t, c.Update), protobufCorpusDeps(c.UpdateDeps)
	orig, err := compat.Parse(compat.TypeProtobuf, origText, origDeps, compat.ParseOptions{})
	if err != nil {
		t.Errorf("%s (%s): original: %v", id, c.Description, err)
		return 0, 0
	}
	upd, err := compat.Parse(compat.TypeProtobuf, updText, updDeps, compat.ParseOptions{New: true})
	if err != nil {
		t.Errorf("%s (%s): update: %v", id, c.Description, err)
		return 0, 0
	}
	res := compattest.Checked(upd, []compat.Previous{{Schema: orig, Version: 1}}, compat.CheckOptions{Level: compat.LevelBackward, LegacyProtobufOneof: legacy})
	reason, known := protobufKnownDisagreements[id]
	if res.Compatible == c.Compatible {
		verdicts++
	} else if known {
		t.Logf("%s: known disagreement: %s", id, reason)
	} else {
		t.Errorf("%s (%s): compatible = %v, want %v; messages %q", id, c.Description, res.Compatible, c.Compatible, res.Messages)
	}
	got := protobuf.Changes(compattest.ProtobufModel(t, origText, origDeps), compattest.ProtobufModel(t, updText, updDeps), legacy)
	if c.Changes != nil && !slices.Equal(got, c.Changes) {
		// Upstream compares the ordered list; the order follows Java hash sets.
		t.Logf("%s: change order differs: got %q, want %q", id, got, c.Changes)
	}
	want := slices.Clone(c.Changes)
	slices.Sort(got)
	slices.Sort(want)
	if want == nil {
		want = []string{}
	}
	if diff := cmp.Diff(want, got); diff == "" {
		changes++
	} else if !known {
		t.Errorf("%s (%s): changes (-want +got):\n%s", id, c.Description, diff)
	}
	return verdicts, changes
}
