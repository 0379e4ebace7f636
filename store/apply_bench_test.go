package store

import (
	"fmt"
	"testing"
)

// BenchmarkApplyDecoded measures what replay's applying goroutine does alone, the records
// decoded beforehand as its workers decode them: 20,000 subjects × 10 versions, applied in
// log order to a state sized for them.
//
//	go test -run '^$' -bench ApplyDecoded ./store
func BenchmarkApplyDecoded(b *testing.B) {
	const subjects, versions = 20_000, 10
	var recs []Record
	var decoded []*version
	for v := 1; v <= versions; v++ {
		for i := range subjects {
			subject := fmt.Sprintf("scale-%06d-value", i)
			rec := Record{
				Offset: int64(len(recs)),
				Key:    fmt.Appendf(nil, `{"keytype":"SCHEMA","subject":%q,"version":%d,"magic":1}`, subject, v),
				Value: fmt.Appendf(nil, `{"subject":%q,"version":%d,"id":%d,"schema":"{\"type\":\"record\",\"name\":\"R%d_%d\",\"fields\":[]}","deleted":false}`,
					subject, v, len(recs)+1, i, v),
			}
			d := prepareRecord(rec)
			if d == nil {
				b.Fatalf("record %s not decoded", rec.Value)
			}
			recs, decoded = append(recs, rec), append(decoded, d)
		}
	}
	for b.Loop() {
		st := newState()
		st.reserve(int64(len(recs)))
		for i, rec := range recs {
			if err := st.applyPrepared(rec, decoded[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
}
