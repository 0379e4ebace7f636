package kafkalog

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/accord-registry/accord/store"
)

// Follow implements [store.SharedLog]: it delivers the snapshot's records, marked Checked,
// then reads partition 0 read-committed from the offset after the snapshot (or explicitly
// from the start), transaction markers included as key-less records, until ctx ends. The
// snapshot keeps only the records fn did not reject.
func (l *Log) Follow(ctx context.Context, fn func([]store.Record) []int64) error {
	start := kgo.NewOffset().AtStart()
	if l.snap.ok {
		recs := l.snap.records
		for i := range recs {
			recs[i].Checked = true
		}
		// The marker makes the snapshot's offset the store's even when its last records
		// were markers that the snapshot does not keep.
		rejected := fn(append(recs, store.Record{Offset: l.snap.meta.Offset}))
		l.snap.records = withoutRejected(recs, rejected)
		start = kgo.NewOffset().At(l.snap.meta.Offset + 1)
	}
	cl, err := kgo.NewClient(l.cfg.clientOpts(
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{l.cfg.Topic: {0: start}}),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.KeepControlRecords(),
		kgo.FetchMaxWait(time.Second),
	)...)
	if err != nil {
		return fmt.Errorf("kafka reader: %w", err)
	}
	defer cl.Close()
	snaps := l.newSnapshotter()
	defer snaps.final()
	l.snap.records = nil // applied, and kept by the snapshotter if it needs them
	warn := newRateLimited(l.log, 10*time.Second)
	for ctx.Err() == nil {
		fetches := cl.PollFetches(ctx)
		fetches.EachError(func(topic string, p int32, err error) {
			if ctx.Err() == nil {
				warn.Warn("reading the registry topic", "topic", topic, "partition", p, "err", err)
			}
		})
		fetches.EachPartition(func(p kgo.FetchTopicPartition) {
			if len(p.Records) == 0 {
				return
			}
			recs := convert(p.Records)
			rejected := fn(recs)
			snaps.raiseFloor(recs, rejected)
			snaps.add(withoutRejected(recs, rejected))
		})
	}
	return nil
}

// convert turns fetched records into store records; control records (transaction markers)
// become key-less markers.
func convert(in []*kgo.Record) []store.Record {
	out := make([]store.Record, len(in))
	for i, r := range in {
		out[i] = store.Record{Offset: r.Offset, Timestamp: r.Timestamp}
		if !r.Attrs.IsControl() {
			out[i].Key, out[i].Value = r.Key, r.Value
		}
	}
	return out
}

// withoutRejected returns recs with each rejected record (rejected holds offsets in
// increasing order) turned into a marker, so that a snapshot leaves it out and keeps the
// key's earlier record, which the state still holds, while its offset still counts as read.
// recs is changed in place.
func withoutRejected(recs []store.Record, rejected []int64) []store.Record {
	for i := range recs {
		if len(rejected) == 0 {
			break
		}
		if recs[i].Offset == rejected[0] {
			recs[i] = store.Record{Offset: recs[i].Offset}
			rejected = rejected[1:]
		}
	}
	return recs
}
