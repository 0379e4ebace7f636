package store

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// applyLiterals applies literal records in order and returns how many were skipped.
func applyLiterals(st *state, recs [][2]string) int {
	skipped := 0
	for _, r := range recs {
		var value []byte
		if r[1] != "" {
			value = []byte(r[1])
		}
		st.offset++
		if err := st.apply(Record{Offset: st.offset, Timestamp: time.UnixMilli(st.offset), Key: []byte(r[0]), Value: value}); err != nil {
			skipped++
		}
	}
	return skipped
}

// TestApplyIgnoresHostileSchemaRecords: records that anyone able to produce to `_schemas`
// could write, and that no registry writes, leave the state as it was: ids outside
// 1..2^31-1 (they do not fit the 4-byte id of the wire format, and a huge one would make
// every later id overflow), a new text for an id that is already bound (even under the same
// subject and version), and text that is not a schema of its type. Of the last, only the
// id is kept, as a floor for allocation: a reader that does not parse (Confluent's) serves
// the record, and the next id given must not be one it holds (TestIgnoredRecordsIDIsNotReused).
func TestApplyIgnoresHostileSchemaRecords(t *testing.T) {
	const victim = `{"keytype":"SCHEMA","subject":"victim","version":1,"magic":1}`
	good := `{"subject":"victim","version":1,"id":1,"schema":"{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"amount\",\"type\":\"long\"}]}","deleted":false}`
	hostile := []struct {
		name  string
		rec   [2]string
		floor int // the id kept as a floor, for text that is not a schema
	}{
		{"same key rebinds id 1", [2]string{victim, `{"subject":"victim","version":1,"id":1,"schema":"{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"amount\",\"type\":\"double\"}]}","deleted":false}`}, 0},
		{"id above int32", [2]string{`{"keytype":"SCHEMA","subject":"big","version":1,"magic":1}`, `{"subject":"big","version":1,"id":9223372036854775807,"schema":"\"int\"","deleted":false}`}, 0},
		{"id 2^31", [2]string{`{"keytype":"SCHEMA","subject":"big","version":1,"magic":1}`, `{"subject":"big","version":1,"id":2147483648,"schema":"\"int\"","deleted":false}`}, 0},
		{"negative id", [2]string{`{"keytype":"SCHEMA","subject":"neg","version":1,"magic":1}`, `{"subject":"neg","version":1,"id":-7,"schema":"\"int\"","deleted":false}`}, 0},
		{"id 0", [2]string{`{"keytype":"SCHEMA","subject":"zero","version":1,"magic":1}`, `{"subject":"zero","version":1,"id":0,"schema":"\"int\"","deleted":false}`}, 0},
		{"not a schema", [2]string{`{"keytype":"SCHEMA","subject":"junk","version":1,"magic":1}`, `{"subject":"junk","version":1,"id":500,"schema":"{{not a schema","deleted":false}`}, 500},
		{"not a JSON schema", [2]string{`{"keytype":"SCHEMA","subject":"junk","version":1,"magic":1}`, `{"subject":"junk","version":1,"id":501,"schemaType":"JSON","schema":"[","deleted":false}`}, 501},
		{"not a Protobuf schema", [2]string{`{"keytype":"SCHEMA","subject":"junk","version":1,"magic":1}`, `{"subject":"junk","version":1,"id":502,"schemaType":"PROTOBUF","schema":"message {","deleted":false}`}, 502},
	}
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			st := newState()
			st.checkSchemas = true // as for records read from Kafka
			if skipped := applyLiterals(st, [][2]string{{victim, good}}); skipped != 0 {
				t.Fatalf("the valid record was skipped")
			}
			before := summarize(st)
			if tc.floor != 0 {
				before.MaxIDs["."] = tc.floor
			}
			if skipped := applyLiterals(st, [][2]string{tc.rec}); skipped != 1 {
				t.Errorf("the hostile record was applied")
			}
			if diff := cmp.Diff(before, summarize(st)); diff != "" {
				t.Errorf("state changed (-before +after):\n%s", diff)
			}
			if v := st.subjects["victim"][1]; v == nil || v.text != jsonText(t, good) {
				t.Errorf("victim v1 = %+v, want the first content", v)
			}
		})
	}
}

// TestApplyKeepsLegitimateRewrites: what registries do write for an existing key still
// applies: a soft delete rewrites the same content with deleted true, a tombstone removes the
// key, and afterwards the key may be written again.
func TestApplyKeepsLegitimateRewrites(t *testing.T) {
	const key = `{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}`
	st := newState()
	st.checkSchemas = true
	recs := [][2]string{
		{key, `{"subject":"s","version":1,"id":1,"schema":"\"long\"","deleted":false}`},
		{key, `{"subject":"s","version":1,"id":1,"schema":"\"long\"","deleted":true}`},
		{key, ""},
		{key, `{"subject":"s","version":1,"id":2,"schema":"\"double\"","deleted":false}`},
		{`{"keytype":"SCHEMA","subject":"t","version":1,"magic":1}`, `{"subject":"t","version":1,"id":2147483647,"schema":"\"int\"","deleted":false}`},
	}
	if skipped := applyLiterals(st, recs); skipped != 0 {
		t.Fatalf("skipped %d legitimate records", skipped)
	}
	if v := st.subjects["s"][1]; v == nil || v.id != 2 || v.text != `"double"` || v.deleted {
		t.Errorf("s v1 = %+v, want id 2 \"double\"", v)
	}
	if c := st.contexts["."]; c.maxID != 2147483647 {
		t.Errorf("maxID = %d, want 2147483647", c.maxID)
	}
}

// jsonText returns the schema text of a SCHEMA record value.
func jsonText(t *testing.T, value string) string {
	t.Helper()
	var v schemaValue
	if err := json.Unmarshal([]byte(value), &v); err != nil {
		t.Fatal(err)
	}
	return v.Schema
}
