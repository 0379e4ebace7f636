package store

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"
)

// reusingLog serves records from memory through one buffer that it overwrites for every
// record, as a file log reading frames may: replay must copy what it keeps.
type reusingLog struct{ recs []Record }

func (l *reusingLog) Append([]Record) (int64, error)    { return 0, fmt.Errorf("read-only") }
func (l *reusingLog) Sync(context.Context, int64) error { return nil }
func (l *reusingLog) End() int64                        { return int64(len(l.recs)) }
func (l *reusingLog) Close() error                      { return nil }
func (l *reusingLog) ReadFrom(from int64, fn func(Record) error) error {
	buf := make([]byte, 0, 1<<16)
	for _, r := range l.recs[from:] {
		buf = append(buf[:0], r.Key...)
		key := buf[:len(r.Key):len(r.Key)]
		var value []byte
		if r.Value != nil {
			buf = append(buf, r.Value...)
			value = buf[len(r.Key):len(buf):len(buf)]
		}
		if err := fn(Record{Offset: r.Offset, Timestamp: r.Timestamp, Key: key, Value: value}); err != nil {
			return err
		}
	}
	return nil
}

// TestReplayMatchesSerialApply replays, through the parallel decoders, a log of several
// batches mixing new versions, rewrites, soft deletes, tombstones, configs, a record that does
// not decode and one binding a taken id to another text, and checks that every subject, id and
// offset is what applying the records one by one gives.
func TestReplayMatchesSerialApply(t *testing.T) {
	var recs []Record
	add := func(key, value string) {
		r := Record{Offset: int64(len(recs)), Timestamp: time.UnixMilli(int64(len(recs))), Key: []byte(key)}
		if value != "" {
			r.Value = []byte(value)
		}
		recs = append(recs, r)
	}
	for i := range 3 * replayBatchSize {
		subject := fmt.Sprintf("s%d", i%700)
		add(fmt.Sprintf(`{"keytype":"SCHEMA","subject":%q,"version":%d,"magic":1}`, subject, i/700+1),
			fmt.Sprintf(`{"subject":%q,"version":%d,"id":%d,"schema":"{\"type\":\"fixed\",\"name\":\"F%d\",\"size\":1}","deleted":%t}`, subject, i/700+1, i+1, i, i%97 == 0))
		switch i % 211 {
		case 5:
			add(fmt.Sprintf(`{"keytype":"SCHEMA","subject":%q,"version":1,"magic":1}`, subject), "")
		case 7:
			add(`{"keytype":"CONFIG","subject":"s7","magic":0}`, `{"compatibilityLevel":"NONE"}`)
		case 11:
			add(`{"keytype":"SCHEMA","subject":"bad","version":1,"magic":1}`, `{"subject":"bad","version":1,"id":`)
		case 13:
			add(`{"keytype":"SCHEMA","subject":"thief","version":1,"magic":1}`, `{"subject":"thief","version":1,"id":1,"schema":"\"int\""}`)
		}
	}
	serial := newState()
	for _, r := range recs {
		_ = serial.apply(r)
	}
	s := &Store{log: &reusingLog{recs: recs}, st: newState(), logger: slog.New(slog.DiscardHandler)}
	if err := s.replay(); err != nil {
		t.Fatal(err)
	}
	if s.st.offset != serial.offset || len(s.st.subjects) != len(serial.subjects) {
		t.Fatalf("replayed offset %d, %d subjects; serially %d, %d", s.st.offset, len(s.st.subjects), serial.offset, len(serial.subjects))
	}
	for subject, versions := range serial.subjects {
		for num, want := range versions {
			got := s.st.subjects[subject][num]
			if got == nil || got.id != want.id || got.text != want.text || got.deleted != want.deleted || got.hash != want.hash || got.ts != want.ts {
				t.Fatalf("%s version %d: replayed %+v, serially %+v", subject, num, got, want)
			}
		}
	}
	if got, want := len(s.st.contexts[defaultContext].ids), len(serial.contexts[defaultContext].ids); got != want {
		t.Errorf("replayed %d ids, serially %d", got, want)
	}
	if s.st.configs["s7"] == nil {
		t.Error("the config record was not replayed")
	}
}
