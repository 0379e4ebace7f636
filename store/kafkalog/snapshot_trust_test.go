package kafkalog_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/snapshot"
)

// TestKafkaSnapshotLeavesOutRejectedRecords: records the state refused (a new text for an
// id under the key that holds it, text that is not a schema, a rewrite that would undo a
// soft delete with another text) are not in the snapshot, which keeps each key's last
// accepted record instead; a restart from that snapshot, whose records are not parsed again,
// serves what the instance served before, and what a full replay of the topic serves.
func TestKafkaSnapshotLeavesOutRejectedRecords(t *testing.T) {
	c := newCluster(t)
	dir := t.TempDir()
	l := c.openLog(t, dir)
	l.SetLeader(true, 1)
	st := openStore(t, l)
	ctx := context.Background()

	const long = `{"type":"record","name":"P","fields":[{"name":"amount","type":"long"}]}`
	mustRegister(t, st, "victim-value", long)
	mustRegister(t, st, "other-value", `"string"`)
	mustRegister(t, st, "soft-value", `"bytes"`)
	if _, err := st.DeleteVersion(ctx, "soft-value", 1, false); err != nil {
		t.Fatal(err)
	}
	mustRegister(t, st, "gone-value", `"int"`)
	c.produce(t,
		raw(`{"keytype":"SCHEMA","subject":"victim-value","version":1,"magic":1}`,
			`{"subject":"victim-value","version":1,"id":1,"schema":"{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"amount\",\"type\":\"double\"}]}","deleted":false}`),
		raw(`{"keytype":"SCHEMA","subject":"other-value","version":1,"magic":1}`,
			`{"subject":"other-value","version":1,"id":2,"schema":"{{injected","deleted":false}`),
		raw(`{"keytype":"SCHEMA","subject":"junk-value","version":1,"magic":1}`,
			`{"subject":"junk-value","version":1,"id":500,"schema":"{{injected","deleted":false}`),
		raw(`{"keytype":"SCHEMA","subject":"soft-value","version":1,"magic":1}`,
			`{"subject":"soft-value","version":1,"id":3,"schema":"\"injected\"","deleted":false}`),
		raw(`{"keytype":"SCHEMA","subject":"gone-value","version":1,"magic":1}`, ""),
	)
	mustRegister(t, st, "after-value", `"float"`)
	want := dump(t, st)
	st.Close() // writes the final snapshot
	_ = l.Close()

	_, recs, err := snapshot.Read(filepath.Join(dir, "snapshot"))
	if err != nil {
		t.Fatal(err)
	}
	var victim, tombstone bool
	for _, r := range recs {
		if bytes.Contains(r.Value, []byte("injected")) || bytes.Contains(r.Value, []byte("double")) {
			t.Errorf("the snapshot holds the rejected record at offset %d: %s", r.Offset, r.Value)
		}
		victim = victim || bytes.Contains(r.Key, []byte("victim-value")) && bytes.Contains(r.Value, []byte("long"))
		tombstone = tombstone || bytes.Contains(r.Key, []byte("gone-value")) && r.Value == nil
	}
	if !victim || !tombstone {
		t.Errorf("the snapshot lacks victim-value's accepted record (%v) or gone-value's tombstone (%v)", victim, tombstone)
	}

	restarted := openStore(t, c.openLog(t, dir))
	if got := dump(t, restarted); got != want {
		t.Errorf("restart from the snapshot differs from the state before:\nrestart: %s\nbefore:  %s", got, want)
	}
	full := openStore(t, c.openLog(t, ""))
	if got := dump(t, full); got != want {
		t.Errorf("a full replay differs from the state before:\nfull:   %s\nbefore: %s", got, want)
	}
}

// TestKafkaSnapshotRecordsNotReparsed: a restart from the local snapshot parses only the
// schemas written after it; a replay without a snapshot parses every one. The count is the
// one the store logs when it has replayed the log.
func TestKafkaSnapshotRecordsNotReparsed(t *testing.T) {
	c := newCluster(t)
	dir := t.TempDir()
	l := c.openLog(t, dir)
	l.SetLeader(true, 1)
	st := openStore(t, l)
	const n = 5
	for i := range n {
		mustRegister(t, st, "s"+strings.Repeat("x", i)+"-value", `{"type":"fixed","name":"F","size":`+string(rune('1'+i))+`}`)
	}
	st.Close()
	_ = l.Close()
	c.produce(t, raw(`{"keytype":"SCHEMA","subject":"tail-value","version":1,"magic":1}`,
		`{"subject":"tail-value","version":1,"id":99,"schema":"\"string\"","deleted":false}`))

	if got := replayedParses(t, c, dir); got != 1 {
		t.Errorf("a restart from the snapshot parsed %d schemas; want 1 (the tail)", got)
	}
	if got := replayedParses(t, c, ""); got != n+1 {
		t.Errorf("a full replay parsed %d schemas; want %d", got, n+1)
	}
}

// replayedParses opens a store on the cluster's topic (with the snapshot in dir, if any) and
// returns the number of schemas it says it parsed to become ready.
func replayedParses(t *testing.T, c cluster, dir string) int64 {
	t.Helper()
	h := &replayedHandler{parsed: -1}
	st, err := store.Open(context.Background(), store.Config{Shared: c.openLog(t, dir), Logger: slog.New(h), WriteTimeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	waitFor(t, "store ready", st.Ready)
	waitFor(t, "the replay log line", func() bool { return h.get() >= 0 })
	return h.get()
}

// replayedHandler keeps the schemas_parsed attribute of the "log replayed" message.
type replayedHandler struct {
	mu     sync.Mutex
	parsed int64
}

func (h *replayedHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *replayedHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *replayedHandler) WithGroup(string) slog.Handler            { return h }

func (h *replayedHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "log replayed" {
		return nil
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "schemas_parsed" {
			h.mu.Lock()
			h.parsed = a.Value.Int64()
			h.mu.Unlock()
		}
		return true
	})
	return nil
}

func (h *replayedHandler) get() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.parsed
}
