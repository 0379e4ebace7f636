package snapshot

import (
	"path/filepath"
	"testing"

	"github.com/accord-registry/accord/store"
	"github.com/google/go-cmp/cmp"
)

func TestCompactor(t *testing.T) {
	c := NewCompactor()
	if c.Offset() != -1 || c.Len() != 0 || len(c.Records()) != 0 {
		t.Fatalf("new Compactor: Offset %d, Len %d, %d records; want -1, 0, 0", c.Offset(), c.Len(), len(c.Records()))
	}
	in := []store.Record{
		rec(0, "a", []byte("a1")),
		rec(1, "b", []byte("b1")),
		rec(2, `{"keytype":"CONFIG","magic":0}`, []byte("FULL")),
		rec(3, "a", []byte("a2")),                                    // replaces offset 0
		{Offset: 4, Value: []byte("marker")},                         // nil key: advances the offset only
		rec(5, "b", nil),                                             // tombstone replaces b1 and is kept
		rec(6, `{"keytype":"CONFIG","subject":null,"magic":0}`, nil), // another spelling: kept apart
		rec(7, "", []byte("empty key")),                              // an empty key is a key
		rec(8, "c", []byte{}),
		rec(2, "a", []byte("stale")), // already covered: ignored
		rec(9, "c", []byte("c2")),
		{Offset: 11}, // marker at the end
	}
	for _, r := range in {
		c.Add(r)
	}
	want := []store.Record{in[2], in[3], in[5], in[6], in[7], in[10]}
	if diff := cmp.Diff(want, c.Records()); diff != "" {
		t.Errorf("Records (-want +got):\n%s", diff)
	}
	if c.Offset() != 11 || c.Len() != len(want) {
		t.Errorf("Offset, Len = %d, %d; want 11, %d", c.Offset(), c.Len(), len(want))
	}
}

func TestCompactorLastBytesWin(t *testing.T) {
	var c Compactor // the zero value works
	key := []byte("k")
	c.Add(store.Record{Offset: 0, Key: key, Value: []byte("1")})
	// A different slice with the same bytes is the same key.
	c.Add(store.Record{Offset: 1, Key: []byte("k"), Value: []byte("2")})
	if got := c.Records(); len(got) != 1 || string(got[0].Value) != "2" || got[0].Offset != 1 {
		t.Fatalf("Records = %+v, want only offset 1 with value 2", got)
	}
}

func TestCompactorRecordsSorted(t *testing.T) {
	c := NewCompactor()
	for _, r := range numbered(5000, 40) {
		c.Add(r)
	}
	// Rewrite every third key so live offsets interleave.
	for i, r := range numbered(5000, 40) {
		if i%3 == 0 {
			r.Offset = 10_000 + int64(i)
			c.Add(r)
		}
	}
	recs := c.Records()
	if len(recs) != 5000 {
		t.Fatalf("len(Records) = %d, want 5000", len(recs))
	}
	for i := 1; i < len(recs); i++ {
		if recs[i].Offset <= recs[i-1].Offset {
			t.Fatalf("Records not sorted: offset %d after %d", recs[i].Offset, recs[i-1].Offset)
		}
	}
	// Records returns a new slice each time.
	recs[0].Offset = -5
	if c.Records()[0].Offset == -5 {
		t.Fatal("Records shares its slice with the Compactor")
	}
}

// TestCompactorSnapshotTail checks the point of the package: compacting a prefix, writing and
// reading it, loading it and adding the tail gives what compacting everything gives.
func TestCompactorSnapshotTail(t *testing.T) {
	all := []store.Record{
		rec(0, "a", []byte("a1")), rec(1, "b", []byte("b1")), {Offset: 2},
		rec(3, "a", nil), rec(4, "c", []byte("c1")), {Offset: 5},
		rec(6, "b", []byte("b2")), rec(7, "a", []byte("a3")), rec(8, "d", nil),
	}
	full := NewCompactor()
	for _, r := range all {
		full.Add(r)
	}
	for cut := range len(all) + 1 {
		head := NewCompactor()
		for _, r := range all[:cut] {
			head.Add(r)
		}
		path := filepath.Join(t.TempDir(), "snapshot")
		mustWrite(t, path, Meta{Topic: "_schemas", Offset: head.Offset()}, head.Records())
		meta, recs, err := Read(path)
		if err != nil {
			t.Fatalf("cut %d: Read = %v", cut, err)
		}
		resumed := NewCompactor()
		resumed.Load(recs, meta.Offset)
		// Replay from the snapshot's offset, overlapping by one record: harmless.
		for _, r := range all[max(0, meta.Offset):] {
			resumed.Add(r)
		}
		if diff := cmp.Diff(full.Records(), resumed.Records()); diff != "" {
			t.Errorf("cut %d: resumed Records (-full +resumed):\n%s", cut, diff)
		}
		if resumed.Offset() != full.Offset() {
			t.Errorf("cut %d: resumed Offset = %d, want %d", cut, resumed.Offset(), full.Offset())
		}
	}
}

func TestCompactorLoad(t *testing.T) {
	c := NewCompactor()
	c.Add(rec(50, "old", []byte("gone after Load")))
	c.Load(sampleRecords(), sampleMeta.Offset)
	if diff := cmp.Diff(sampleRecords(), c.Records()); diff != "" {
		t.Errorf("Records after Load (-want +got):\n%s", diff)
	}
	if c.Offset() != sampleMeta.Offset {
		t.Errorf("Offset after Load = %d, want %d", c.Offset(), sampleMeta.Offset)
	}
	c.Load(sampleRecords(), 3) // an offset below the last record's is raised to it
	if c.Offset() != 7 {
		t.Errorf("Offset after Load(recs, 3) = %d, want 7", c.Offset())
	}
	c.Add(rec(7, "late", nil))
	c.Add(rec(8, "new", nil))
	if c.Len() != len(sampleRecords())+1 {
		t.Errorf("Len = %d, want %d", c.Len(), len(sampleRecords())+1)
	}
}
