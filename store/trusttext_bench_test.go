package store

import (
	"strconv"
	"strings"
	"testing"
)

// BenchmarkLookupOverLargeJunk: an anonymous lookup into a subject whose stored version is a
// megabyte of text that fails to parse only at its end (a record of many fields, the last of
// an unknown type), as a trusted topic can bring. The lookup compares the candidate with the
// stored version through its parse; what each lookup costs is what remembering the failure
// saves.
func BenchmarkLookupOverLargeJunk(b *testing.B) {
	var text strings.Builder
	text.WriteString(`{"type":"record","name":"R","fields":[`)
	for i := 0; text.Len() < 1<<20; i++ {
		text.WriteString(`{"name":"f` + strconv.Itoa(i) + `","type":"string"},`)
	}
	text.WriteString(`{"name":"last","type":"nosuch"}]}`)
	st := newState()
	st.checkSchemas, st.trustText = true, true
	v := &version{subject: "junk", q: parseSubject("junk"), num: 1, id: 500, typ: "AVRO", text: text.String()}
	st.putVersion(v)
	cand := newCandidate("AVRO", `"int"`, nil, nil, nil)
	b.SetBytes(int64(len(v.text)))
	for b.Loop() {
		if st.match("junk", cand, visible(false)) != nil {
			b.Fatal("int matched the junk")
		}
	}
}
