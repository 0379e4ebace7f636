package snapshot

import (
	"os"
	"path/filepath"
	"testing"
)

// benchRecords is the benchmark workload: 100,000 records of about 300 bytes.
const benchRecords = 100_000

func BenchmarkWrite(b *testing.B) {
	recs := numbered(benchRecords, 300)
	meta := Meta{ClusterID: "c", Topic: "_schemas", Offset: recs[len(recs)-1].Offset}
	path := filepath.Join(b.TempDir(), "snapshot")
	mustWrite(b, path, meta, recs)
	setFileBytes(b, path)
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(path, meta, recs); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRead(b *testing.B) {
	recs := numbered(benchRecords, 300)
	path := filepath.Join(b.TempDir(), "snapshot")
	mustWrite(b, path, Meta{ClusterID: "c", Topic: "_schemas", Offset: recs[len(recs)-1].Offset}, recs)
	setFileBytes(b, path)
	b.ReportAllocs()
	for b.Loop() {
		if _, got, err := Read(path); err != nil || len(got) != benchRecords {
			b.Fatalf("Read = %d records, %v", len(got), err)
		}
	}
}

// BenchmarkCompactor adds 100,000 records (each key twice) and takes the sorted records.
func BenchmarkCompactor(b *testing.B) {
	recs := numbered(benchRecords, 300)
	b.ReportAllocs()
	for b.Loop() {
		c := NewCompactor()
		for _, r := range recs {
			c.Add(r)
		}
		for _, r := range recs {
			r.Offset += 2 * benchRecords
			c.Add(r)
		}
		if len(c.Records()) != benchRecords {
			b.Fatal("wrong record count")
		}
	}
}

// setFileBytes reports throughput in file bytes.
func setFileBytes(b *testing.B, path string) {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
}
