//go:build unix

package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// BenchmarkReplayScale measures startup on a log shaped like `accord bench --scale`'s at a
// fifth of its size: 20,000 subjects × 10 versions, Avro, JSON Schema and Protobuf in turn,
// written as Confluent writes them (no schemaType for Avro, a NOOP every 10,000 records). It
// reports opening the log (its scan, and compaction when due) and the store's replay apart.
func BenchmarkReplayScale(b *testing.B) {
	const subjects, versions = 20_000, 10
	dir := b.TempDir()
	writeScaleLog(b, dir, subjects, versions)
	b.ResetTimer()
	var logTook, replayTook, cpu time.Duration
	for b.Loop() {
		cpuStart := processCPU(b)
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
		cpu += processCPU(b) - cpuStart
		if got := st.Stats(); got.Schemas != subjects*versions {
			b.Fatalf("stats = %+v, want %d schemas", got, subjects*versions)
		}
		st.Close()
		_ = l.Close()
	}
	b.ReportMetric(float64(logTook.Milliseconds())/float64(b.N), "log-ms/op")
	b.ReportMetric(float64(replayTook.Milliseconds())/float64(b.N), "replay-ms/op")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}

// processCPU is the CPU time this process used so far, user and system, all threads: on a
// shared machine, the cost of a startup that its wall time hides.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
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
