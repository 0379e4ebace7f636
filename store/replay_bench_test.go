package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// BenchmarkReplay100k measures startup on a log of 100,000 distinct Avro schemas (one subject
// each, a record of 10 fields): reading the log and applying every record, which includes
// parsing each schema to refuse text that is not one.
func BenchmarkReplay100k(b *testing.B) {
	dir := b.TempDir()
	l, err := filelog.Open(dir, filelog.Config{})
	if err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	recs := make([]store.Record, 0, n)
	for i := range n {
		subject := fmt.Sprintf("s%d-value", i)
		fields := ""
		for f := range 10 {
			fields += fmt.Sprintf(`{\"name\":\"f%d\",\"type\":\"long\"},`, f)
		}
		schema := fmt.Sprintf(`{\"type\":\"record\",\"name\":\"R%d\",\"fields\":[%s{\"name\":\"x\",\"type\":\"string\"}]}`, i, fields)
		recs = append(recs, store.Record{
			Key:       []byte(fmt.Sprintf(`{"keytype":"SCHEMA","subject":%q,"version":1,"magic":1}`, subject)),
			Value:     []byte(fmt.Sprintf(`{"subject":%q,"version":1,"id":%d,"schema":"%s","deleted":false}`, subject, i+1, schema)),
			Timestamp: time.Now(),
		})
	}
	if _, err := l.Append(recs); err != nil {
		b.Fatal(err)
	}
	if err := l.Sync(context.Background(), int64(n-1)); err != nil {
		b.Fatal(err)
	}
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		l, err := filelog.Open(dir, filelog.Config{})
		if err != nil {
			b.Fatal(err)
		}
		st, err := store.Open(context.Background(), store.Config{Log: l})
		if err != nil {
			b.Fatal(err)
		}
		if got := st.Stats(); got.Schemas != n {
			b.Fatalf("stats = %+v, want %d schemas", got, n)
		}
		st.Close()
		_ = l.Close()
	}
}
