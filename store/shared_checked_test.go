package store

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"testing"
)

// TestApplyFollowedReportsRejected: the reader of a shared log learns which records the state
// rejected (the offsets its snapshot must leave out), and only those: not markers, not
// records it skipped as already applied, not tombstones or soft-delete rewrites it applied.
func TestApplyFollowedReportsRejected(t *testing.T) {
	s := &Store{st: newState(), advanced: make(chan struct{}), logger: slog.New(slog.DiscardHandler)}
	s.st.checkSchemas = true
	key := func(subject string) []byte {
		return []byte(`{"keytype":"SCHEMA","subject":"` + subject + `","version":1,"magic":1}`)
	}
	value := func(subject, id, schema, deleted string) []byte {
		return []byte(`{"subject":"` + subject + `","version":1,"id":` + id + `,"schema":"` + schema + `","deleted":` + deleted + `}`)
	}
	recs := []Record{
		{Offset: 0, Key: key("a"), Value: value("a", "1", `\"string\"`, "false")},
		{Offset: 1, Key: key("b"), Value: value("b", "2", `{{`, "false")}, // not a schema
		{Offset: 2}, // a transaction marker
		{Offset: 3, Key: key("a"), Value: value("a", "1", `\"int\"`, "false")},   // rebinds id 1
		{Offset: 4, Key: key("a"), Value: value("a", "1", `\"string\"`, "true")}, // soft delete
		{Offset: 5, Key: []byte(`{"keytype":`), Value: []byte(`{}`)},             // undecodable key
		{Offset: 6, Key: []byte(`{"keytype":"MODE","magic":0}`), Value: []byte(`{"mode":"SIDEWAYS"}`)},
		{Offset: 7, Key: key("c"), Value: value("c", "3", `\"bytes\"`, "false")},
		{Offset: 8, Key: key("c")}, // tombstone
	}
	if got, want := s.applyFollowed(recs), []int64{1, 3, 5, 6}; !slices.Equal(got, want) {
		t.Errorf("rejected = %v; want %v", got, want)
	}
	if got := s.applyFollowed(recs[:4]); len(got) != 0 {
		t.Errorf("records already applied were reported rejected: %v", got)
	}
	if v := s.st.subjects["a"][1]; v == nil || v.text != `"string"` || !v.deleted {
		t.Errorf("a version 1 = %+v; want the soft-deleted \"string\"", v)
	}
}

// TestCheckedRecordsAreNotParsed: a SCHEMA record marked Checked (replayed from the
// instance's own snapshot) is applied without parsing its text; every other record read
// from a shared log is parsed once, and a soft-delete rewrite of it is not parsed again.
func TestCheckedRecordsAreNotParsed(t *testing.T) {
	st := newState()
	st.checkSchemas = true
	skipped := 0
	for i, r := range []Record{
		{Key: []byte(`{"keytype":"SCHEMA","subject":"a","version":1,"magic":1}`),
			Value: []byte(`{"subject":"a","version":1,"id":1,"schema":"\"string\"","deleted":false}`), Checked: true},
		{Key: []byte(`{"keytype":"SCHEMA","subject":"b","version":1,"magic":1}`),
			Value: []byte(`{"subject":"b","version":1,"id":2,"schema":"\"int\"","deleted":false}`)},
		{Key: []byte(`{"keytype":"SCHEMA","subject":"b","version":1,"magic":1}`),
			Value: []byte(`{"subject":"b","version":1,"id":2,"schema":"\"int\"","deleted":true}`)},
		{Key: []byte(`{"keytype":"SCHEMA","subject":"c","version":1,"magic":1}`),
			Value: []byte(`{"subject":"c","version":1,"id":3,"schema":"{{","deleted":false}`)},
	} {
		r.Offset = int64(i)
		if st.apply(r) != nil {
			skipped++
		}
	}
	if st.schemasParsed != 2 || skipped != 1 {
		t.Errorf("parsed %d schemas and skipped %d records; want 2 parsed (b, c) and c skipped", st.schemasParsed, skipped)
	}
	if len(st.subjects["a"]) != 1 || len(st.subjects["b"]) != 1 {
		t.Errorf("subjects = %v; want a and b", st.subjects)
	}
}

// TestPrecheckAgreesWithApply: a batch applied by applyFollowed, whose reference-free
// schemas are parsed in parallel before the lock, rejects the same records and leaves the
// same state as applying each record in turn, each parsed under the lock; schemas with
// references are parsed in order, against the state their record finds.
func TestPrecheckAgreesWithApply(t *testing.T) {
	lit := [][2]string{
		{`{"keytype":"SCHEMA","subject":"a","version":1,"magic":1}`, `{"subject":"a","version":1,"id":1,"schema":"{\"type\":\"record\",\"name\":\"A\",\"fields\":[]}","deleted":false}`},
		{`{"keytype":"SCHEMA","subject":"b","version":1,"magic":1}`, `{"subject":"b","version":1,"id":2,"schema":"{\"type\":\"record\",\"name\":\"B\",\"fields\":[{\"name\":\"a\",\"type\":\"A\"}]}","deleted":false,"references":[{"name":"A","subject":"a","version":1}]}`},
		{`{"keytype":"SCHEMA","subject":"c","version":1,"magic":1}`, `{"subject":"c","version":1,"id":3,"schema":"{\"type\":\"record\",\"name\":\"C\",\"fields\":[{\"name\":\"a\",\"type\":\"A\"}]}","deleted":false}`},
		{`{"keytype":"SCHEMA","subject":"d","version":1,"magic":1}`, `{"subject":"d","version":1,"id":4,"schema":"{\"type\":\"record\",\"name\":\"D\",\"fields\":[{\"name\":\"a\",\"type\":\"A\"}]}","deleted":false,"references":[{"name":"A","subject":"nowhere","version":1}]}`},
		{`{"keytype":"SCHEMA","subject":"e","version":1,"magic":1}`, `{"subject":"e","version":1,"id":5,"schema":"syntax = \"proto3\"; message E { int32 x = 1; }","schemaType":"PROTOBUF","deleted":false}`},
		{`{"keytype":"SCHEMA","subject":"f","version":1,"magic":1}`, `{"subject":"f","version":1,"id":6,"schema":"syntax = \"proto3\"; message F { int32 x = 1","schemaType":"PROTOBUF","deleted":false}`},
		{`{"keytype":"SCHEMA","subject":"g","version":1,"magic":1}`, `{"subject":"g","version":1,"id":7,"schema":"{\"type\":\"object\"}","schemaType":"JSON","deleted":false}`},
		{`{"keytype":"SCHEMA","subject":"h","version":1,"magic":1}`, `{"subject":"h","version":1,"id":8,"schema":"\"int\"","schemaType":"XML","deleted":false}`},
		{`{"keytype":"SCHEMA","subject":"a","version":1,"magic":1}`, `{"subject":"a","version":1,"id":1,"schema":"{\"type\":\"record\",\"name\":\"A\",\"fields\":[]}","deleted":true}`},
	}
	var recs []Record
	for i, r := range lit {
		recs = append(recs, Record{Offset: int64(i), Key: []byte(r[0]), Value: []byte(r[1])})
	}
	one := newState()
	one.checkSchemas = true
	var wantRejected []int64
	for _, r := range recs {
		if one.apply(r) != nil {
			wantRejected = append(wantRejected, r.Offset)
		}
	}
	s := &Store{st: newState(), advanced: make(chan struct{}), logger: slog.New(slog.DiscardHandler)}
	s.st.checkSchemas = true
	if got := s.applyFollowed(recs); !slices.Equal(got, wantRejected) {
		t.Errorf("rejected = %v; applied one by one: %v", got, wantRejected)
	}
	if len(wantRejected) != 4 { // c (unresolved name), d (missing reference), f (bad text), h (unknown type)
		t.Errorf("applied one by one, rejected = %v; want c, d, f, h", wantRejected)
	}
	summary := func(st *state) map[string]string {
		out := map[string]string{}
		for subject, vs := range st.subjects {
			for num, v := range vs {
				out[subject+"/"+string(rune('0'+num))] = v.text + map[bool]string{true: " (deleted)"}[v.deleted]
			}
		}
		return out
	}
	if got, want := summary(s.st), summary(one); !maps.Equal(got, want) {
		t.Errorf("state = %v; applied one by one: %v", got, want)
	}
}

// TestLargeBatchAgreesWithApply: a batch of several chunks, prechecked one chunk ahead of the
// one being applied, rejects the same records and leaves the same state as applying each in
// turn, also when a schema references one in the chunk before it and when records repeat
// offsets already applied.
func TestLargeBatchAgreesWithApply(t *testing.T) {
	n := 2*followChunk + 100
	var recs []Record
	junk := 0
	for i := range n {
		subject := fmt.Sprintf("s%d", i)
		schema := fmt.Sprintf(`{\"type\":\"record\",\"name\":\"R%d\",\"fields\":[]}`, i)
		refs := ""
		switch {
		case i%followChunk == 1 && i > 1: // references the last record of the chunk before
			schema = fmt.Sprintf(`{\"type\":\"record\",\"name\":\"R%d\",\"fields\":[{\"name\":\"p\",\"type\":\"R%d\"}]}`, i, i-2)
			refs = fmt.Sprintf(`,"references":[{"name":"R%d","subject":"s%d","version":1}]`, i-2, i-2)
		case i%1000 == 7:
			schema = `{{`
			junk++
		}
		recs = append(recs, Record{Offset: int64(i),
			Key:   []byte(`{"keytype":"SCHEMA","subject":"` + subject + `","version":1,"magic":1}`),
			Value: []byte(fmt.Sprintf(`{"subject":%q,"version":1,"id":%d,"schema":"%s","deleted":false%s}`, subject, i+1, schema, refs))})
	}
	one := newState()
	one.checkSchemas = true
	var want []int64
	for _, r := range recs {
		if one.apply(r) != nil {
			want = append(want, r.Offset)
		}
	}
	s := &Store{st: newState(), advanced: make(chan struct{}), logger: slog.New(slog.DiscardHandler)}
	s.st.checkSchemas = true
	half := recs[:followChunk+50]
	got := s.applyFollowed(half)
	got = append(got, s.applyFollowed(recs[followChunk:])...) // 50 records again
	if !slices.Equal(got, want) {
		t.Errorf("rejected %d records, applied one by one %d: %v…, %v…", len(got), len(want), got[:min(5, len(got))], want[:min(5, len(want))])
	}
	if len(want) != junk || s.st.offset != int64(n-1) || len(s.st.subjects) != len(one.subjects) {
		t.Errorf("rejected %d, offset %d, %d subjects; applied one by one: %d subjects", len(want), s.st.offset, len(s.st.subjects), len(one.subjects))
	}
	if v := s.st.subjects[fmt.Sprintf("s%d", followChunk+1)][1]; v == nil || len(v.refs) != 1 {
		t.Errorf("the schema referencing the chunk before = %+v; want it applied", v)
	}
}
