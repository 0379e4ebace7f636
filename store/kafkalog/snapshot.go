package kafkalog

import (
	"context"
	"errors"
	"io/fs"
	"sync"
	"time"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/snapshot"
)

// loadedSnapshot is a snapshot that matched the topic at Open.
type loadedSnapshot struct {
	ok      bool
	meta    snapshot.Meta
	records []store.Record
}

// loadSnapshot reads the local snapshot and keeps it only if it was taken from this cluster's
// topic (same cluster id, name and topic id) and does not claim records beyond the topic's
// end. Anything else, including a damaged file, is discarded: the topic is the truth and a
// full replay is only slower.
func (l *Log) loadSnapshot(ctx context.Context) loadedSnapshot {
	if l.cfg.SnapshotPath == "" {
		return loadedSnapshot{}
	}
	meta, recs, err := snapshot.Read(l.cfg.SnapshotPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return loadedSnapshot{}
	case err != nil:
		l.log.Warn("discarding the local snapshot", "path", l.cfg.SnapshotPath, "err", err)
		return loadedSnapshot{}
	}
	if reason := l.mismatch(ctx, meta); reason != "" {
		l.log.Warn("discarding the local snapshot", "path", l.cfg.SnapshotPath, "reason", reason)
		return loadedSnapshot{}
	}
	l.log.Info("loaded the local snapshot", "path", l.cfg.SnapshotPath, "offset", meta.Offset, "records", len(recs))
	return loadedSnapshot{ok: true, meta: meta, records: recs}
}

func (l *Log) mismatch(ctx context.Context, meta snapshot.Meta) string {
	switch {
	case meta.ClusterID != l.clusterID:
		return "taken from cluster " + meta.ClusterID + ", not " + l.clusterID
	case meta.Topic != l.cfg.Topic:
		return "taken from topic " + meta.Topic + ", not " + l.cfg.Topic
	case meta.TopicID != l.topicID:
		return "taken from an earlier topic of the same name (topic id " + meta.TopicID + ", now " + l.topicID + ")"
	case meta.TrustedText && !l.cfg.SnapshotTrustsText:
		return "taken by an instance that trusted schema texts, and this one parses them"
	case !meta.TrustedText && l.cfg.SnapshotTrustsText:
		return "taken by an instance that parsed schema texts, and this one trusts them"
	}
	offsets, err := l.admin.ListEndOffsets(ctx, l.cfg.Topic)
	if err != nil {
		return "cannot read the topic's end: " + err.Error()
	}
	end, ok := offsets.Lookup(l.cfg.Topic, 0)
	if !ok || end.Err != nil || meta.Offset >= end.Offset {
		return "it covers offsets beyond the topic's end"
	}
	return ""
}

// snapshotter keeps the compacted records Follow applied and rewrites the snapshot file now
// and then, in the background, and once more when Follow ends.
type snapshotter struct {
	l       *Log
	comp    *snapshot.Compactor
	every   time.Duration
	last    time.Time
	written int64
	floor   int64 // Meta.IDFloor; changed and read only by Follow's goroutine
	wg      sync.WaitGroup
	busy    bool
	mu      sync.Mutex
	// loaded is closed once comp holds the loaded snapshot; add and final wait for it.
	loaded chan struct{}
}

func (l *Log) newSnapshotter() *snapshotter {
	if l.cfg.SnapshotPath == "" {
		return nil
	}
	s := &snapshotter{l: l, comp: snapshot.NewCompactor(), every: l.cfg.SnapshotInterval, last: time.Now(), written: -1,
		loaded: make(chan struct{})}
	if !l.snap.ok {
		close(s.loaded)
		return s
	}
	s.written, s.floor = l.snap.meta.Offset, l.snap.meta.IDFloor
	// Indexing a million keys takes a good part of a second: done aside, it does not delay
	// the first fetch, nor readiness when the topic has nothing past the snapshot.
	recs, offset := l.snap.records, l.snap.meta.Offset
	go func() {
		defer close(s.loaded)
		s.comp.Load(recs, offset)
	}()
	return s
}

// raiseFloor raises the id floor to the schema ids of the records of recs the store
// rejected (rejected holds their offsets in increasing order), before withoutRejected
// turns them into markers. An id no 4-byte id could hold is left out: the store refused
// it for that.
func (s *snapshotter) raiseFloor(recs []store.Record, rejected []int64) {
	if s == nil {
		return
	}
	for i := 0; i < len(recs) && len(rejected) > 0; i++ {
		if recs[i].Offset != rejected[0] {
			continue
		}
		rejected = rejected[1:]
		if id := store.SchemaID(recs[i]); id <= store.MaxID {
			s.floor = max(s.floor, id)
		}
	}
}

// IDFloor is the highest schema id of the records left out of the snapshot loaded at Open
// because the store rejected them (0 without a snapshot): give it to the store as its
// Config.IDFloor, so that a restart does not allocate an id that readers which check less
// than this instance (Confluent's) serve.
func (l *Log) IDFloor() int64 {
	if !l.snap.ok {
		return 0
	}
	return l.snap.meta.IDFloor
}

func (s *snapshotter) add(recs []store.Record) {
	if s == nil {
		return
	}
	<-s.loaded
	for _, r := range recs {
		s.comp.Add(r)
	}
	if time.Since(s.last) < s.every {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy {
		return
	}
	s.busy, s.last = true, time.Now()
	meta, recs := s.meta(), s.comp.Records()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.write(meta, recs)
		s.mu.Lock()
		s.busy = false
		s.mu.Unlock()
	}()
}

func (s *snapshotter) meta() snapshot.Meta {
	return snapshot.Meta{ClusterID: s.l.clusterID, Topic: s.l.cfg.Topic, TopicID: s.l.topicID, Offset: s.comp.Offset(),
		TrustedText: s.l.cfg.SnapshotTrustsText, IDFloor: s.floor}
}

func (s *snapshotter) write(meta snapshot.Meta, recs []store.Record) {
	start := time.Now()
	if err := snapshot.Write(s.l.cfg.SnapshotPath, meta, recs); err != nil {
		s.l.log.Warn("writing the local snapshot", "path", s.l.cfg.SnapshotPath, "err", err)
		return
	}
	s.mu.Lock()
	s.written = meta.Offset
	s.mu.Unlock()
	s.l.log.Debug("wrote the local snapshot", "offset", meta.Offset, "records", len(recs), "duration", time.Since(start))
}

// final waits for a background write and writes the latest state once more.
func (s *snapshotter) final() {
	if s == nil {
		return
	}
	<-s.loaded
	s.wg.Wait()
	s.mu.Lock()
	stale := s.comp.Offset() > s.written
	s.mu.Unlock()
	if stale {
		s.write(s.meta(), s.comp.Records())
	}
}
