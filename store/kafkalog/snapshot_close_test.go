package kafkalog_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/snapshot"
)

// TestKafkaSnapshotSurvivesCloseWhileLoading: the snapshotter indexes a loaded snapshot's
// keys in the background while Follow reads the topic's tail. A store closed at once after
// opening (Follow ends while the index may still be built), with or without a tail record
// applied, must leave a snapshot holding every record: each restart from it equals a full
// replay of the topic.
func TestKafkaSnapshotSurvivesCloseWhileLoading(t *testing.T) {
	c := newCluster(t)
	dir := t.TempDir()
	const n = 3000
	recs := make([]*kgo.Record, n)
	for i := range recs {
		recs[i] = raw(fmt.Sprintf(`{"keytype":"SCHEMA","subject":"s%d-value","version":1,"magic":1}`, i),
			fmt.Sprintf(`{"subject":"s%d-value","version":1,"id":%d,"schema":"{\"type\":\"fixed\",\"name\":\"F\",\"size\":%d}","deleted":false}`, i, i+1, i+1))
	}
	firstLog := c.openLog(t, dir) // creates the topic
	c.produce(t, recs...)
	first := openStore(t, firstLog)
	first.Close() // writes the snapshot
	for round := range 6 {
		if round%2 == 1 { // a tail past the snapshot, applied or not before the close
			id := n + 1 + round
			c.produce(t, raw(fmt.Sprintf(`{"keytype":"SCHEMA","subject":"tail%d-value","version":1,"magic":1}`, round),
				fmt.Sprintf(`{"subject":"tail%d-value","version":1,"id":%d,"schema":"{\"type\":\"fixed\",\"name\":\"F\",\"size\":%d}","deleted":false}`, round, id, id)))
		}
		l := c.openLog(t, dir)
		st, err := store.Open(context.Background(), store.Config{Shared: l, Logger: testLogger(t), WriteTimeout: 20 * time.Second})
		if err != nil {
			t.Fatalf("round %d: open store: %v", round, err)
		}
		st.Close()
		l.Close()
		_, kept, err := snapshot.Read(filepath.Join(dir, "snapshot"))
		if err != nil {
			t.Fatalf("round %d: read snapshot: %v", round, err)
		}
		if want := n + (round+1)/2; len(kept) < n || len(kept) > want {
			t.Fatalf("round %d: the snapshot holds %d records, want %d to %d", round, len(kept), n, want)
		}
	}
	restarted := openStore(t, c.openLog(t, dir))
	full := openStore(t, c.openLog(t, ""))
	if got, want := dump(t, restarted), dump(t, full); got != want {
		t.Fatalf("restart from the snapshot differs from a full replay:\nsnapshot: %.2000s\nfull:     %.2000s", got, want)
	}
}
