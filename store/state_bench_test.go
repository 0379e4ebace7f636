package store

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkApply100k measures applying 100,000 distinct Avro schema records (a record of 11
// fields each) to an empty state: as the embedded store replays its own log ("trusted") and
// as a Kafka reader did, parsing every record under the lock ("checked"), and as it does,
// applying fetched batches whose schemas are parsed in parallel first ("followed").
func BenchmarkApply100k(b *testing.B) {
	const n = 100_000
	recs := make([]Record, 0, n)
	for i := range n {
		var fields strings.Builder
		for f := range 10 {
			fmt.Fprintf(&fields, `{\"name\":\"f%d\",\"type\":\"long\"},`, f)
		}
		subject := fmt.Sprintf("s%d-value", i)
		schema := fmt.Sprintf(`{\"type\":\"record\",\"name\":\"R%d\",\"fields\":[%s{\"name\":\"x\",\"type\":\"string\"}]}`, i, fields.String())
		recs = append(recs, Record{Offset: int64(i), Timestamp: time.UnixMilli(int64(i)),
			Key:   fmt.Appendf(nil, `{"keytype":"SCHEMA","subject":%q,"version":1,"magic":1}`, subject),
			Value: fmt.Appendf(nil, `{"subject":%q,"version":1,"id":%d,"schema":"%s","deleted":false}`, subject, i+1, schema)})
	}
	b.Run("followed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s := &Store{st: newState(), advanced: make(chan struct{}), logger: slog.New(slog.DiscardHandler)}
			s.st.checkSchemas = true
			for batch := range slices.Chunk(recs, 2000) {
				if rejected := s.applyFollowed(batch); len(rejected) > 0 {
					b.Fatalf("rejected %v", rejected)
				}
			}
		}
	})
	for _, checked := range []bool{false, true} {
		b.Run(map[bool]string{false: "trusted", true: "checked"}[checked], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				st := newState()
				st.checkSchemas = checked
				for _, rec := range recs {
					if err := st.apply(rec); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
