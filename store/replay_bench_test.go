package store_test

import (
	"context"
	"encoding/json"
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

// BenchmarkReplayScale measures startup on a log shaped like `accord bench --scale`'s at a
// fifth of its size: 20,000 subjects × 10 versions, Avro, JSON Schema and Protobuf in turn,
// written as Confluent writes them (no schemaType for Avro, a NOOP every 10,000 records). It
// reports opening the log (its scan, and compaction when due) and the store's replay apart.
func BenchmarkReplayScale(b *testing.B) {
	const subjects, versions = 20_000, 10
	dir := b.TempDir()
	writeScaleLog(b, dir, subjects, versions)
	b.ResetTimer()
	var logTook, replayTook time.Duration
	for b.Loop() {
		start := time.Now()
		l, err := filelog.Open(dir, filelog.Config{})
		if err != nil {
			b.Fatal(err)
		}
		opened := time.Now()
		st, err := store.Open(context.Background(), store.Config{Log: l})
		if err != nil {
			b.Fatal(err)
		}
		logTook += opened.Sub(start)
		replayTook += time.Since(opened)
		if got := st.Stats(); got.Schemas != subjects*versions {
			b.Fatalf("stats = %+v, want %d schemas", got, subjects*versions)
		}
		st.Close()
		_ = l.Close()
	}
	b.ReportMetric(float64(logTook.Milliseconds())/float64(b.N), "log-ms/op")
	b.ReportMetric(float64(replayTook.Milliseconds())/float64(b.N), "replay-ms/op")
}

// writeScaleLog writes subjects × versions SCHEMA records into a new embedded log in dir.
func writeScaleLog(b *testing.B, dir string, subjects, versions int) {
	b.Helper()
	l, err := filelog.Open(dir, filelog.Config{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	batch := make([]store.Record, 0, 1000)
	flush := func() {
		if _, err := l.Append(batch); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	n := 0
	for v := 1; v <= versions; v++ {
		for i := range subjects {
			if n++; n%10_000 == 0 {
				batch = append(batch, store.Record{Key: []byte(`{"keytype":"NOOP","magic":0}`)})
			}
			batch = append(batch, scaleBenchRecord(i, v, i*versions+v))
			if len(batch) >= 999 {
				flush()
			}
		}
	}
	flush()
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
}

// scaleBenchRecord is version v of subject i: a record, object or message of v optional
// fields beyond an id, its type chosen by i.
func scaleBenchRecord(i, v, id int) store.Record {
	subject := fmt.Sprintf("scale-%06d-value", i)
	var text, schemaType string
	switch i % 3 {
	case 0:
		text = fmt.Sprintf(`{"type":"record","name":"R","namespace":"scale.s%06d","fields":[{"name":"id","type":"long"}`, i)
		for f := range v {
			text += fmt.Sprintf(`,{"name":"f%d","type":["null","string"],"default":null}`, f)
		}
		text += "]}"
	case 1:
		schemaType = `"schemaType":"JSON",`
		text = fmt.Sprintf(`{"type":"object","title":"scale-%06d","additionalProperties":false,"properties":{"id":{"type":"integer"}`, i)
		for f := range v {
			text += fmt.Sprintf(`,"f%d":{"type":"string"}`, f)
		}
		text += "}}"
	default:
		schemaType = `"schemaType":"PROTOBUF",`
		text = fmt.Sprintf("syntax = \"proto3\";\npackage scale.s%06d;\n\nmessage M {\n  int64 id = 1;\n", i)
		for f := range v {
			text += fmt.Sprintf("  string f%d = %d;\n", f, f+2)
		}
		text += "}\n"
	}
	quoted, _ := json.Marshal(text)
	return store.Record{
		Key:   fmt.Appendf(nil, `{"keytype":"SCHEMA","subject":%q,"version":%d,"magic":1}`, subject, v),
		Value: fmt.Appendf(nil, `{"subject":%q,"version":%d,"id":%d,%s"schema":%s,"deleted":false}`, subject, v, id, schemaType, quoted),
	}
}
