package snapshot

import (
	"cmp"
	"slices"

	"github.com/accord-registry/accord/store"
)

// Compactor keeps the last record per key bytes, exactly as Kafka log compaction would
// (tombstones are kept too, since a tombstone must still hide an older record with a different
// spelling of the same logical key).
//
// A Compactor is not safe for concurrent use; the consumer that applies the records owns it.
// Its zero value is empty, like [NewCompactor]'s.
type Compactor struct {
	next int64                   // the offset after the last one added
	recs map[string]store.Record // by key bytes
}

// NewCompactor returns an empty Compactor.
func NewCompactor() *Compactor {
	return &Compactor{recs: make(map[string]store.Record)}
}

// Add records rec, which replaces any record with the same key bytes. Records arrive in
// offset order; a record with nil Key (a marker) only advances the offset. A record at or
// below [Compactor.Offset] is already covered and is ignored, so replaying an overlapping
// range is harmless.
func (c *Compactor) Add(rec store.Record) {
	if rec.Offset < c.next {
		return
	}
	c.next = rec.Offset + 1
	if rec.Key == nil {
		return
	}
	if c.recs == nil {
		c.recs = make(map[string]store.Record)
	}
	c.recs[string(rec.Key)] = rec
}

// Offset returns the offset of the last record added, -1 initially.
func (c *Compactor) Offset() int64 { return c.next - 1 }

// Len returns the number of records kept.
func (c *Compactor) Len() int { return len(c.recs) }

// Records returns the kept records sorted by offset, ready for [Write]. The slice is new; the
// records' byte slices are shared, and nobody mutates them.
func (c *Compactor) Records() []store.Record {
	recs := make([]store.Record, 0, len(c.recs))
	for _, r := range c.recs {
		recs = append(recs, r)
	}
	slices.SortFunc(recs, func(a, b store.Record) int { return cmp.Compare(a.Offset, b.Offset) })
	return recs
}

// Load replaces the Compactor's contents with a loaded snapshot: recs as [Read] returns them
// and offset its [Meta].Offset. Records with a nil Key are skipped, and the offset is raised to
// the last record's if that is higher.
func (c *Compactor) Load(recs []store.Record, offset int64) {
	c.recs = make(map[string]store.Record, len(recs))
	c.next = offset + 1
	for _, r := range recs {
		c.next = max(c.next, r.Offset+1)
		if r.Key != nil {
			c.recs[string(r.Key)] = r
		}
	}
}
