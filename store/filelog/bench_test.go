package filelog

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/accord-registry/accord/store"
)

// BenchmarkAppendSync measures durable appends: 32 concurrent writers, each appending one
// ~300 byte record and syncing it, with real fsyncs. records/s is the durable throughput and
// fsyncs/op shows how many writers share each fsync.
func BenchmarkAppendSync(b *testing.B) {
	const writers = 32
	l, err := Open(b.TempDir(), Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((writers + procs - 1) / procs)
	value := make([]byte, 250)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for i := 0; pb.Next(); i++ {
			recs := []store.Record{{Key: fmt.Appendf(nil, `{"keytype":"SCHEMA","n":%d}`, i), Value: value}}
			first, err := l.Append(recs)
			if err == nil {
				err = l.Sync(ctx, first)
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(l.Stats().Syncs)/float64(b.N), "fsyncs/op")
}

// bench100k writes a log of 100,000 records of about 300 bytes and returns its directory.
func bench100k(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	l, err := Open(dir, Config{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 100_000; i += 1000 {
		if _, err := l.Append(numbered(i, 1000, 290)); err != nil {
			b.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkOpen100k measures startup on a 100,000 record (~31 MB) log: validating every frame
// and building the index and key set. The file is in the page cache, as after a restart.
func BenchmarkOpen100k(b *testing.B) {
	dir := bench100k(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		l, err := Open(dir, Config{})
		if err != nil {
			b.Fatal(err)
		}
		if got := l.End(); got != 100_000 {
			b.Fatalf("End() = %d", got)
		}
		l.Close()
	}
}

// BenchmarkReadFromTail measures reading the last 10 records of a 100,000 record log, which
// the sparse index makes independent of the log's length.
func BenchmarkReadFromTail(b *testing.B) {
	l, err := Open(bench100k(b), Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		if err := l.ReadFrom(l.End()-10, func(store.Record) error { n++; return nil }); err != nil || n != 10 {
			b.Fatalf("ReadFrom = %v after %d records", err, n)
		}
	}
}
