package compat

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"testing"
)

// jsonKnownDisagreements lists JSON Schema corpus checks where Accord knowingly answers
// differently, keyed "<file>#<index>/<direction>", with the reason (also in
// KNOWN_DIFFERENCES.md).
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
		if !loadCorpus(t, "confluent/jsonschema/"+file, &cases) {
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
			runJSONDirection(t, &tally, id+"/backward", c.Description, upd, orig, PolicyStrict, jsonDirection{c.Compatible, c.Changes})
			runJSONVerdict(t, &tally, id+"/backward_lenient", c.Description, upd, orig, PolicyLenient, lenient)
		}
		t.Logf("jsonschema conformance: %s verdicts %d/%d, changes %d/%d", file, tally.verdictsOK, tally.verdicts, tally.changesOK, tally.changes)
	}
	var derived struct{ Cases []jsonDerivedCase }
	if !loadCorpus(t, "confluent/jsonschema/derived-both-directions.json", &derived) {
		return
	}
	var tally jsonTally
	for _, c := range derived.Cases {
		orig, upd := mustParseJSON(t, c.ID, c.Original), mustParseJSON(t, c.ID, c.Update)
		runJSONDirection(t, &tally, c.ID+"/backward", c.Description, upd, orig, PolicyStrict, c.Backward)
		runJSONDirection(t, &tally, c.ID+"/forward", c.Description, orig, upd, PolicyStrict, c.Forward)
		runJSONDirection(t, &tally, c.ID+"/backward_lenient", c.Description, upd, orig, PolicyLenient, c.BackwardLenient)
		runJSONDirection(t, &tally, c.ID+"/forward_lenient", c.Description, orig, upd, PolicyLenient, c.ForwardLenient)
		tally.verdicts++
		full := checked(upd, []Previous{{Schema: orig, Version: 1}}, CheckOptions{Level: LevelFull}).Compatible
		if full == c.Full {
			tally.verdictsOK++
		} else {
			jsonDisagree(t, c.ID+"/full", "%s: FULL compatible = %v, want %v", c.Description, full, c.Full)
		}
	}
	t.Logf("jsonschema conformance: derived-both-directions.json verdicts %d/%d, changes %d/%d", tally.verdictsOK, tally.verdicts, tally.changesOK, tally.changes)

	var recursive json.RawMessage
	if loadCorpus(t, "confluent/jsonschema/recursive-schema.json", &recursive) {
		s := mustParseJSON(t, "recursive-schema.json", recursive)
		if got := jsonschema_Changes(s.parsed.(*jsonschema_Schema), s.parsed.(*jsonschema_Schema), PolicyStrict == PolicyLenient); len(got) != 0 {
			t.Errorf("recursive-schema.json against itself: changes %v", got)
		}
		t.Logf("jsonschema conformance: recursive-schema.json verdicts 1/1")
	}
}

func mustParseJSON(t *testing.T, id string, raw json.RawMessage) *Schema {
	t.Helper()
	s, err := Parse(TypeJSON, string(raw), nil, ParseOptions{})
	if err != nil {
		t.Fatalf("%s: Parse(%s) = %v", id, raw, err)
	}
	return s
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
func runJSONVerdict(t *testing.T, tally *jsonTally, id, desc string, newS, oldS *Schema, policy Policy, want bool) {
	t.Helper()
	tally.verdicts++
	res := checked(newS, []Previous{{Schema: oldS, Version: 1}}, CheckOptions{Level: LevelBackward, Policy: policy})
	if res.Compatible == want {
		tally.verdictsOK++
		return
	}
	jsonDisagree(t, id, "%s: compatible = %v, want %v; messages %q", desc, res.Compatible, want, res.Messages)
}

// runJSONDirection checks a verdict and the change multiset.
func runJSONDirection(t *testing.T, tally *jsonTally, id, desc string, newS, oldS *Schema, policy Policy, want jsonDirection) {
	t.Helper()
	runJSONVerdict(t, tally, id, desc, newS, oldS, policy, want.Compatible)
	tally.changes++
	var got []string
	for _, c := range jsonschema_Changes(newS.parsed.(*jsonschema_Schema), oldS.parsed.(*jsonschema_Schema), policy == PolicyLenient) {
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
