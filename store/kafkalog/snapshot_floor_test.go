package kafkalog_test

import (
	"context"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
)

// TestKafkaSnapshotKeepsIgnoredIDs: the id of a record the store ignored (text that does not
// parse, which Confluent's readers serve) is never allocated, also after a restart from the
// snapshot, which leaves that record out: the snapshot carries the highest such id as the
// log's IDFloor, for the store's Config.IDFloor.
func TestKafkaSnapshotKeepsIgnoredIDs(t *testing.T) {
	c := newCluster(t)
	dir := t.TempDir()
	l := c.openLog(t, dir)
	l.SetLeader(true, 1)
	st := openStore(t, l)
	mustRegister(t, st, "a-value", `"string"`)
	c.produce(t, raw(`{"keytype":"SCHEMA","subject":"junk-value","version":1,"magic":1}`,
		`{"subject":"junk-value","version":1,"id":2,"schema":"{{injected","deleted":false}`))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := st.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close() // writes the final snapshot
	_ = l.Close()

	restarted := c.openLog(t, dir)
	if got := restarted.IDFloor(); got != 2 {
		t.Errorf("IDFloor after the restart = %d; want 2, the id of the record ignored", got)
	}
	restarted.SetLeader(true, 2)
	again, err := store.Open(ctx, store.Config{Shared: restarted, IDFloor: int(restarted.IDFloor()), WriteTimeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	waitFor(t, "store ready", again.Ready)
	if got := mustRegister(t, again, "b-value", `"int"`); got.ID == 2 {
		t.Errorf("after the restart, id 2, held by the record ignored, was given to b-value")
	}
}
