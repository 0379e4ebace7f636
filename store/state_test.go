package store

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// replayRecords is a fixed record sequence in the forms Confluent, Karapace and older
// registries write, including tombstones, a DELETE_SUBJECT applied strictly at its offset, a
// CLEAR_SUBJECT, both spellings of the global config key, an unknown key type and garbage.
var replayRecords = [][2]string{
	{`{"keytype":"NOOP","magic":0}`, ""},
	{`{"keytype":"SCHEMA","subject":"a","version":1,"magic":1}`, `{"subject":"a","version":1,"id":1,"schema":"\"string\"","deleted":false}`},
	{`{"keytype":"SCHEMA","subject":"a","version":2,"magic":1}`, `{"subject":"a","version":2,"id":2,"schemaType":"AVRO","schema":"\"int\"","deleted":false}`},
	{`{"keytype":"SCHEMA","subject":"b","version":1,"magic":0}`, `{"subject":"b","version":1,"id":1,"schema":"\"string\""}`},
	{`{"keytype":"DELETE_SUBJECT","subject":"a","magic":0}`, `{"subject":"a","version":1}`},
	{`{"keytype":"SCHEMA","subject":"a","version":3,"magic":1}`, `{"subject":"a","version":3,"id":3,"schema":"\"long\"","references":[{"name":"x","subject":"b","version":1}],"deleted":false}`},
	{`{"keytype":"CONFIG","subject":null,"magic":0}`, `{"compatibilityLevel":"FULL"}`},
	{`{"keytype":"CONFIG","magic":0}`, `{"compatibilityLevel":"NONE"}`},
	{`{"keytype":"CONFIG","subject":"a","magic":0}`, `{"compatibilityLevel":"FORWARD"}`},
	{`{"keytype":"CONFIG","subject":"a","magic":0}`, ""},
	{`{"keytype":"MODE","subject":"b","magic":0}`, `{"subject":"b","mode":"READONLY"}`},
	{`{"keytype":"SCHEMA","subject":":.ctx:c","version":1,"magic":1}`, `{"subject":":.ctx:c","version":1,"id":1,"schema":"\"bytes\"","deleted":true}`},
	{`{"keytype":"CONTEXT","tenant":"default","context":".ctx","magic":0}`, `{"tenant":"default","context":".ctx"}`},
	{`{"keytype":"CLEAR_SUBJECT","subject":":.ctx:","magic":0}`, `{"subject":":.ctx:"}`},
	{`{"keytype":"SCHEMA","subject":"b","version":1,"magic":1}`, ""},
	{`{"keytype":"FUTURE_KIND","magic":0}`, `{}`},
	{`garbage`, `garbage`},
	{`{"keytype":"SCHEMA","subject":"d","version":1,"magic":1}`, `{not json`},
}

// summary is what the replay test compares: the observable registry state.
type summary struct {
	Versions  map[string][]int // subject → versions, soft-deleted as negative
	IDs       map[string][]int // context → ids
	MaxIDs    map[string]int
	Configs   map[string]string
	Modes     map[string]Mode
	Referrers map[string]int
	Announced []string
}

func summarize(st *state) summary {
	s := summary{Versions: map[string][]int{}, IDs: map[string][]int{}, MaxIDs: map[string]int{}, Configs: map[string]string{},
		Modes: st.modes, Referrers: map[string]int{}}
	for subject := range st.subjects {
		for _, n := range st.versionNumbers(subject, isAny) {
			if st.subjects[subject][n].deleted {
				n = -n
			}
			s.Versions[subject] = append(s.Versions[subject], n)
		}
	}
	for _, name := range sortedKeys(st.contexts) {
		c := st.contexts[name]
		for _, id := range sortedIntKeys(c.ids) {
			s.IDs[name] = append(s.IDs[name], id)
		}
		s.MaxIDs[name] = c.maxID
		if c.announced {
			s.Announced = append(s.Announced, name)
		}
	}
	for k, c := range st.configs {
		s.Configs[k] = c.CompatibilityLevel.String()
	}
	for k, vs := range st.referrers {
		s.Referrers[k.subject] = len(vs)
	}
	return s
}

func sortedIntKeys[V any](m map[int]V) []int { return slices.Sorted(maps.Keys(m)) }

func TestReplay(t *testing.T) {
	st := newState()
	skipped := 0
	for i, r := range replayRecords {
		var value []byte
		if r[1] != "" {
			value = []byte(r[1])
		}
		if err := st.apply(Record{Offset: int64(i), Timestamp: time.UnixMilli(int64(i)), Key: []byte(r[0]), Value: value}); err != nil {
			skipped++
		}
	}
	want := summary{
		Versions:  map[string][]int{"a": {-1, 2, 3}},
		IDs:       map[string][]int{".": {1, 2, 3}},
		MaxIDs:    map[string]int{".": 3, ".ctx": 1},
		Configs:   map[string]string{"": "NONE"},
		Modes:     map[string]Mode{"b": ModeReadOnly},
		Referrers: map[string]int{"b": 1},
		Announced: []string{".ctx"},
	}
	if diff := cmp.Diff(want, summarize(st)); diff != "" {
		t.Errorf("state after replay (-want +got):\n%s", diff)
	}
	if skipped != 3 {
		t.Errorf("skipped %d records, want 3 (unknown key type, garbage key, bad value)", skipped)
	}
	if st.offset != int64(len(replayRecords)-1) {
		t.Errorf("offset = %d, want %d", st.offset, len(replayRecords)-1)
	}
}
