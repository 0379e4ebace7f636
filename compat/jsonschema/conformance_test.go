package jsonschema_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
	"github.com/accord-registry/accord/compat/jsonschema"
)

// jsonKnownDisagreements lists JSON Schema corpus checks where Accord knowingly answers
// differently, keyed "<file>#<index>/<direction>", with the reason (also in the package
// documentation).
func jsonKnownDisagreements() map[string]string {
	return map[string]string{}
}

type jsonCorpusCase struct {
	Description       string          `json:"description"`
	Original          json.RawMessage `json:"original_schema"`
	Update            json.RawMessage `json:"update_schema"`
	Changes           []string        `json:"changes"`
	Compatible        bool            `json:"compatible"`
	CompatibleLenient *bool           `json:"compatible_lenient"`
}

type jsonDirection struct {
	Compatible bool     `json:"compatible"`
	Changes    []string `json:"changes"`
}

type jsonDerivedCase struct {
	ID              string          `json:"id"`
	Description     string          `json:"description"`
	Original        json.RawMessage `json:"original_schema"`
	Update          json.RawMessage `json:"update_schema"`
	Backward        jsonDirection   `json:"backward"`
	Forward         jsonDirection   `json:"forward"`
	BackwardLenient jsonDirection   `json:"backward_lenient"`
	ForwardLenient  jsonDirection   `json:"forward_lenient"`
	Full            bool            `json:"full"`
}

// jsonTally counts agreements of one corpus file.
type jsonTally struct{ verdicts, verdictsOK, changes, changesOK int }

func TestConformanceJSONSchema(t *testing.T) {
	for _, file := range []string{"diff-schema-examples.json", "diff-combined-schema-examples.json",
		"diff-schema-examples-2020-12.strict.json", "diff-combined-schema-examples-2020-12.json"} {
		var cases []jsonCorpusCase
		if !compattest.LoadCorpus(t, "confluent/jsonschema/"+file, &cases) {
			return
		}
		var tally jsonTally
		for i, c := range cases {
			id := fmt.Sprintf("%s#%d", file, i)
			orig, upd := mustParseJSON(t, id, c.Original), mustParseJSON(t, id, c.Update)
			lenient := c.Compatible
			if c.CompatibleLenient != nil {
				lenient = *c.CompatibleLenient
			}
			runJSONDirection(t, &tally, id+"/backward", c.Description, upd, orig, compat.PolicyStrict, jsonDirection{c.Compatible, c.Changes})
			runJSONVerdict(t, &tally, id+"/backward_lenient", c.Description, upd, orig, compat.PolicyLenient, lenient)
		}
		t.Logf("jsonschema conformance: %s verdicts %d/%d, changes %d/%d", file, tally.verdictsOK, tally.verdicts, tally.changesOK, tally.changes)
	}
	var derived struct{ Cases []jsonDerivedCase }
	if !compattest.LoadCorpus(t, "confluent/jsonschema/derived-both-directions.json", &derived) {
		return
	}
	var tally jsonTally
	for _, c := range derived.Cases {
		orig, upd := mustParseJSON(t, c.ID, c.Original), mustParseJSON(t, c.ID, c.Update)
		runJSONDirection(t, &tally, c.ID+"/backward", c.Description, upd, orig, compat.PolicyStrict, c.Backward)
		runJSONDirection(t, &tally, c.ID+"/forward", c.Description, orig, upd, compat.PolicyStrict, c.Forward)
		runJSONDirection(t, &tally, c.ID+"/backward_lenient", c.Description, upd, orig, compat.PolicyLenient, c.BackwardLenient)
		runJSONDirection(t, &tally, c.ID+"/forward_lenient", c.Description, orig, upd, compat.PolicyLenient, c.ForwardLenient)
		tally.verdicts++
		full := compattest.Checked(upd.Schema, []compat.Previous{{Schema: orig.Schema, Version: 1}}, compat.CheckOptions{Level: compat.LevelFull}).Compatible
		if full == c.Full {
			tally.verdictsOK++
		} else {
			jsonDisagree(t, c.ID+"/full", "%s: FULL compatible = %v, want %v", c.Description, full, c.Full)
		}
	}
	t.Logf("jsonschema conformance: derived-both-directions.json verdicts %d/%d, changes %d/%d", tally.verdictsOK, tally.verdicts, tally.changesOK, tally.changes)

	var recursive json.RawMessage
	if compattest.LoadCorpus(t, "confluent/jsonschema/recursive-schema.json", &recursive) {
		s := mustParseJSON(t, "recursive-schema.json", recursive)
		if got := jsonschema.Changes(s.model, s.model, false); len(got) != 0 {
			t.Errorf("recursive-schema.json against itself: changes %v", got)
		}
		t.Logf("jsonschema conformance: recursive-schema.json verdicts 1/1")
	}
}

// parsedJSON is a corpus schema parsed twice: through compat, whose Check gives the verdict,
// and by the jsonschema package alone, whose full change list compat does not expose.
type parsedJSON struct {
	*compat.Schema
	model *jsonschema.Schema
}

func mustParseJSON(t *testing.T, id string, raw json.RawMessage) parsedJSON {
	t.Helper()
	s, err := compat.Parse(compat.TypeJSON, string(raw), nil, compat.ParseOptions{})
	if err != nil {
		t.Fatalf("%s: Parse(%s) = %v", id, raw, err)
	}
	return parsedJSON{s, compattest.JSONSchemaModel(t, string(raw), nil)}
}

func jsonDisagree(t *testing.T, id, format string, args ...any) {
	t.Helper()
	if reason, ok := jsonKnownDisagreements()[id]; ok {
		t.Logf("%s: known disagreement: %s", id, reason)
		return
	}
	t.Errorf(id+": "+format, args...)
}

// runJSONVerdict checks one direction's verdict: new reads old under policy.
func runJSONVerdict(t *testing.T, tally *jsonTally, id, desc string, newS, oldS parsedJSON, policy compat.Policy, want bool) {
	t.Helper()
	tally.verdicts++
	res := compattest.Checked(newS.Schema, []compat.Previous{{Schema: oldS.Schema, Version: 1}}, compat.CheckOptions{Level: compat.LevelBackward, Policy: policy})
	if res.Compatible == want {
		tally.verdictsOK++
		return
	}
	jsonDisagree(t, id, "%s: compatible = %v, want %v; messages %q", desc, res.Compatible, want, res.Messages)
}

// runJSONDirection checks a verdict and the change multiset.
func runJSONDirection(t *testing.T, tally *jsonTally, id, desc string, newS, oldS parsedJSON, policy compat.Policy, want jsonDirection) {
	t.Helper()
	runJSONVerdict(t, tally, id, desc, newS, oldS, policy, want.Compatible)
	tally.changes++
	var got []string
	for _, c := range jsonschema.Changes(newS.model, oldS.model, policy == compat.PolicyLenient) {
		got = append(got, c.String())
	}
	if sameJSONChanges(got, want.Changes) {
		tally.changesOK++
		return
	}
	jsonDisagree(t, id+"/changes", "%s: changes %q, want %q\n  old %s\n  new %s", desc, got, want.Changes, oldS.Canonical(), newS.Canonical())
}

// sameJSONChanges compares change lists as multisets, with allOf member indexes free (only
// synthetic allOf members have an unspecified order, but corpora do not say which is which).
func sameJSONChanges(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	norm := func(list []string) []string {
		out := make([]string, len(list))
		for i, s := range list {
			out[i] = s
		}
		slices.Sort(out)
		return out
	}
	if slices.Equal(norm(got), norm(want)) {
		return true
	}
	syntheticIndex := regexp.MustCompile(`/allOf/\d+`) // Confluent orders synthetic members by hash
	loose := func(list []string) []string {
		out := make([]string, len(list))
		for i, s := range list {
			out[i] = syntheticIndex.ReplaceAllString(s, "/allOf/*")
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(loose(got), loose(want))
}
