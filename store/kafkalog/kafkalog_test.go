package kafkalog_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
	"github.com/accord-registry/accord/store/kafkalog"
	"github.com/accord-registry/accord/store/snapshot"
)

const avroOrder = `{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}`

func register(t *testing.T, st *store.Store, subject, schema string) (store.Schema, error) {
	t.Helper()
	return st.Register(context.Background(), subject, store.SchemaRequest{Schema: schema, Type: compat.TypeAvro, ID: -1}, false)
}

// mustRegister registers schema under subject, retrying as a client does when the write was
// not acknowledged (50001: its records were read back aborted or rejected, so nothing of it
// took effect). A loaded machine has shown this once for the first write on a fresh kfake
// topic; the tests here are about what the registry serves, not that transient refusal.
func mustRegister(t *testing.T, st *store.Store, subject, schema string) store.Schema {
	t.Helper()
	for attempt := 1; ; attempt++ {
		sc, err := register(t, st, subject, schema)
		if err == nil {
			return sc
		}
		if errorCode(err) != store.CodeStoreError || attempt == 3 {
			t.Fatalf("register %s: %v", subject, err)
		}
		t.Logf("register %s, attempt %d: %v; retrying", subject, attempt, err)
	}
}

func errorCode(err error) store.Code {
	var se *store.Error
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

func TestKafkaTopicCreatedAsConfluentDoes(t *testing.T) {
	c := newCluster(t)
	l := c.openLog(t, "")
	adm := kadm.NewClient(l.Client())
	ctx := context.Background()
	topics, err := adm.ListTopics(ctx, c.topic)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(topics[c.topic].Partitions); n != 1 {
		t.Errorf("partitions = %d, want 1", n)
	}
	configs, err := adm.DescribeTopicConfigs(ctx, c.topic)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := configs.On(c.topic, nil)
	if err != nil {
		t.Fatal(err)
	}
	policy := "(absent)"
	for _, cfg := range rc.Configs {
		if cfg.Key == "cleanup.policy" {
			policy = cfg.MaybeValue()
		}
	}
	if policy != "compact" {
		t.Errorf("cleanup.policy = %s, want compact", policy)
	}
	// A second instance validates the existing topic and accepts it.
	c.openLog(t, "")
}

func TestKafkaTopicRefused(t *testing.T) {
	for _, tc := range []struct {
		name       string
		partitions int32
		policy     string
		want       string
	}{
		{"three partitions", 3, "compact", "has 3 partitions"},
		{"delete policy", 1, "delete", `cleanup.policy="delete"`},
		{"compact and delete", 1, "compact,delete", `cleanup.policy="compact,delete"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCluster(t)
			cl, err := kgo.NewClient(kgo.SeedBrokers(c.brokers...))
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			ctx := context.Background()
			resp, err := kadm.NewClient(cl).CreateTopic(ctx, tc.partitions, 1, map[string]*string{"cleanup.policy": kadm.StringPtr(tc.policy)}, c.topic)
			if err == nil {
				err = resp.Err
			}
			if err != nil {
				t.Fatal(err)
			}
			_, err = kafkalog.Open(ctx, kafkalog.Config{Brokers: c.brokers, Topic: c.topic, TransactionalID: "x", Logger: testLogger(t)})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open = %v, want an error containing %q", err, tc.want)
			}
			// Skipping validation is the operator's explicit override.
			l, err := kafkalog.Open(ctx, kafkalog.Config{Brokers: c.brokers, Topic: c.topic, TransactionalID: "x", SkipValidation: true})
			if err != nil {
				t.Fatalf("Open with SkipValidation: %v", err)
			}
			l.Close()
		})
	}
}

func TestKafkaLeaderWritesFollowerReads(t *testing.T) {
	c := newCluster(t)
	leaderLog := c.openLog(t, "")
	leaderLog.SetLeader(true, 1)
	leader := openStore(t, leaderLog)
	follower := openStore(t, c.openLog(t, ""))

	sc := mustRegister(t, leader, "orders-value", avroOrder)
	if sc.ID != 1 || sc.Version != 1 {
		t.Fatalf("registered %+v, want id 1 version 1", sc)
	}
	// The write is visible on the leader as soon as Register returns.
	if _, err := leader.Version(context.Background(), "orders-value", 1, false); err != nil {
		t.Fatalf("leader reads its own write: %v", err)
	}
	if err := follower.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, err := follower.SchemaByID(context.Background(), 1, "", false)
	if err != nil || got.Text != sc.Text {
		t.Fatalf("follower SchemaByID(1) = %+v, %v", got, err)
	}
	// A follower may not write: the API forwards writes to the leader, and a write that
	// reaches a follower's store anyway fails with 50004.
	if _, err := register(t, follower, "other-value", `"string"`); errorCode(err) != store.CodeUnknownLeader {
		t.Fatalf("register on a follower: %v, want 50004", err)
	}
}

func TestKafkaNewLeaderFencesOldLeader(t *testing.T) {
	c := newCluster(t)
	oldLog := c.openLog(t, "")
	oldLog.SetLeader(true, 1)
	old := openStore(t, oldLog)
	mustRegister(t, old, "a-value", `"string"`)

	newLog := c.openLog(t, "")
	newLog.SetLeader(true, 2) // elected while the old leader was paused past its session
	successor := openStore(t, newLog)
	if err := successor.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Wait until the new leader's producer is initialised (SetLeader starts it at once).
	waitFor(t, "new leader's producer", func() bool {
		_, err := register(t, successor, "b-value", `"int"`)
		return err == nil
	})

	// The old leader never heard of its deposition; its producer is fenced.
	_, err := register(t, old, "c-value", `"long"`)
	if errorCode(err) != store.CodeUnknownLeader {
		t.Fatalf("deposed leader's write: %v, want 50004", err)
	}
	// And it does not fence the new leader back: it refuses to write until re-elected.
	if _, err := register(t, old, "c-value", `"long"`); errorCode(err) != store.CodeUnknownLeader {
		t.Fatalf("deposed leader's second write: %v, want 50004", err)
	}
	sc := mustRegister(t, successor, "d-value", `"float"`)
	if sc.ID != 3 {
		t.Fatalf("new leader allocated id %d after a-value and b-value, want 3", sc.ID)
	}
	// Nothing the deposed leader tried is in the log.
	if err := old.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	subjects, _ := old.Subjects(context.Background(), store.SubjectsOptions{Deleted: true})
	if want := []string{"a-value", "b-value", "d-value"}; !slices.Equal(subjects, want) {
		t.Fatalf("subjects after fencing = %v, want %v", subjects, want)
	}

	// Elected again in a later generation, the old leader writes again, after reading
	// everything its successor wrote, and fences the successor in turn.
	newLog.SetLeader(false, 3)
	oldLog.SetLeader(true, 3)
	waitFor(t, "re-elected leader's producer", func() bool {
		_, err := register(t, old, "e-value", `"double"`)
		return err == nil
	})
	if sc, err := old.Version(context.Background(), "e-value", 1, false); err != nil || sc.ID != 4 {
		t.Fatalf("re-elected leader registered %+v, %v; want id 4", sc, err)
	}
}

func TestKafkaAbortedTransactionsAreNotApplied(t *testing.T) {
	c := newCluster(t)
	l := c.openLog(t, "")
	st := openStore(t, l)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.brokers...), kgo.DefaultProduceTopic(c.topic),
		kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.TransactionalID("someone-else"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx := context.Background()
	if err := cl.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	rec := raw(`{"keytype":"SCHEMA","subject":"aborted","version":1,"magic":1}`, `{"subject":"aborted","version":1,"id":9,"schema":"\"string\"","deleted":false}`)
	if err := cl.ProduceSync(ctx, rec).FirstErr(); err != nil {
		t.Fatal(err)
	}
	if err := cl.EndTransaction(ctx, kgo.TryAbort); err != nil {
		t.Fatal(err)
	}
	// Catching up ends on the abort marker, and the aborted record was never applied.
	if err := st.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SchemaByID(ctx, 9, "", false); errorCode(err) != store.CodeSchemaNotFound {
		t.Fatalf("aborted schema is visible: %v", err)
	}
}

// fixture is a topic as Confluent Schema Registry and Karapace write it: Appendix A of the API
// notes, legacy key and value shapes, soft and hard deletes, and records a reader must skip.
func fixture(t *testing.T) []*kgo.Record {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "confluent-topic.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []*kgo.Record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var line struct {
			Key   string  `json:"key"`
			Value *string `json:"value"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		r := &kgo.Record{Key: []byte(line.Key)}
		if line.Value != nil {
			r.Value = []byte(*line.Value)
		}
		recs = append(recs, r)
	}
	return recs
}

func TestKafkaReadsConfluentTopic(t *testing.T) {
	c := newCluster(t)
	c.openLog(t, "") // creates the topic
	recs := fixture(t)
	c.produce(t, recs...)
	st := openStore(t, c.openLog(t, ""))
	ctx := context.Background()

	subjects, err := st.Subjects(ctx, store.SubjectsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{":.team:pay", "karapace-json", "legacy", "orders-value", "proto-value"}
	if !slices.Equal(subjects, want) {
		t.Errorf("subjects = %v, want %v", subjects, want)
	}
	deleted, _ := st.Subjects(ctx, store.SubjectsOptions{DeletedOnly: true})
	if !slices.Equal(deleted, []string{"kept-deleted"}) {
		t.Errorf("deleted subjects = %v, want [kept-deleted]", deleted)
	}
	if vs, _ := st.Versions(ctx, "orders-value", store.VersionsOptions{Deleted: true}); !slices.Equal(vs, []int{2}) {
		t.Errorf("orders-value versions = %v, want [2]", vs)
	}
	if sc, err := st.Version(ctx, "orders-value", 2, false); err != nil || sc.ID != 1 || sc.Text != avroOrder || sc.Type != compat.TypeAvro {
		t.Errorf("orders-value v2 = %+v, %v", sc, err)
	}
	if sc, err := st.SchemaByID(ctx, 2, "", false); err != nil || sc.Text != `"string"` {
		t.Errorf("id 2 = %+v, %v; the record binding it to other content must be ignored", sc, err)
	}
	if sc, err := st.Version(ctx, ":.team:pay", 1, false); err != nil || sc.ID != 1 || sc.Text != `"long"` {
		t.Errorf(":.team:pay v1 = %+v, %v", sc, err)
	}
	if sc, err := st.Version(ctx, "karapace-json", 1, false); err != nil || sc.Type != compat.TypeJSON {
		t.Errorf("karapace-json v1 = %+v, %v", sc, err)
	}
	for _, gone := range []string{"orders-copy", "old", "to-clear", "dup", "broken"} {
		if vs, err := st.Versions(ctx, gone, store.VersionsOptions{Deleted: true}); err == nil {
			t.Errorf("%s has versions %v, want none", gone, vs)
		}
	}
	if cfg, err := st.GetConfig(ctx, "", false); err != nil || cfg.CompatibilityLevel == nil || *cfg.CompatibilityLevel != compat.LevelFullTransitive {
		t.Errorf("global config = %+v, %v", cfg, err)
	}
	if cfg, err := st.GetConfig(ctx, "orders-value", false); err != nil || cfg.CompatibilityLevel == nil || *cfg.CompatibilityLevel != compat.LevelFull {
		t.Errorf("orders-value config = %+v, %v", cfg, err)
	}
	if m, err := st.GetMode(ctx, "legacy", false); err != nil || m != store.ModeReadOnly {
		t.Errorf("legacy mode = %v, %v", m, err)
	}
	if m, err := st.GetMode(ctx, "", false); err != nil || m != store.ModeReadWrite {
		t.Errorf("global mode = %v, %v", m, err)
	}

	// The embedded store applies the same records to the same state.
	embedded := embeddedStore(t, recs)
	if got, want := dump(t, st), dump(t, embedded); got != want {
		t.Errorf("Kafka and embedded stores differ on the same records:\nkafka:    %s\nembedded: %s", got, want)
	}
}

// embeddedStore opens a store on a file log holding recs.
func embeddedStore(t *testing.T, recs []*kgo.Record) *store.Store {
	t.Helper()
	l, err := filelog.Open(t.TempDir(), filelog.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	var srecs []store.Record
	for _, r := range recs {
		srecs = append(srecs, store.Record{Key: r.Key, Value: r.Value, Timestamp: time.Now()})
	}
	if _, err := l.Append(srecs); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), store.Config{Log: l})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestKafkaSnapshotRestart(t *testing.T) {
	c := newCluster(t)
	dir := t.TempDir()
	l := c.openLog(t, dir)
	l.SetLeader(true, 1)
	st := openStore(t, l)
	for _, s := range []string{"a", "b", "c"} {
		mustRegister(t, st, s+"-value", `{"type":"enum","name":"E","symbols":["`+strings.ToUpper(s)+`"]}`)
	}
	before := dump(t, st)
	st.Close() // writes the final snapshot
	l.Close()
	if _, err := os.Stat(filepath.Join(dir, "snapshot")); err != nil {
		t.Fatalf("no snapshot after close: %v", err)
	}

	// Restart from the snapshot, then another instance writes a tail.
	c.produce(t, raw(`{"keytype":"SCHEMA","subject":"tail-value","version":1,"magic":1}`, `{"subject":"tail-value","version":1,"id":4,"schema":"\"string\"","deleted":false}`))
	restarted := openStore(t, c.openLog(t, dir))
	full := openStore(t, c.openLog(t, ""))
	if got, want := dump(t, restarted), dump(t, full); got != want {
		t.Fatalf("restart from snapshot differs from a full replay:\nsnapshot: %s\nfull:     %s", got, want)
	}
	if before == dump(t, restarted) {
		t.Fatal("the tail after the snapshot was not applied")
	}

	// The same snapshot offered for another topic is discarded, not applied.
	other := cluster{brokers: c.brokers, topic: c.topic + "-other", group: c.group}
	foreign := openStore(t, other.openLog(t, dir))
	if subjects, _ := foreign.Subjects(context.Background(), store.SubjectsOptions{Deleted: true}); len(subjects) != 0 {
		t.Fatalf("a snapshot of another topic was applied: %v", subjects)
	}

	// A snapshot that claims offsets beyond the topic's end (the topic was recreated and
	// holds less than the snapshot saw) is discarded too.
	meta, recs, err := snapshot.Read(filepath.Join(dir, "snapshot"))
	if err != nil {
		t.Fatal(err)
	}
	meta.Offset += 1000
	recs = append(recs, store.Record{Offset: meta.Offset, Key: []byte(`{"keytype":"SCHEMA","subject":"ghost","version":1,"magic":1}`),
		Value: []byte(`{"subject":"ghost","version":1,"id":99,"schema":"\"string\"","deleted":false}`)})
	if err := snapshot.Write(filepath.Join(dir, "snapshot"), meta, recs); err != nil {
		t.Fatal(err)
	}
	beyond := openStore(t, c.openLog(t, dir))
	if got, want := dump(t, beyond), dump(t, full); got != want {
		t.Fatalf("a snapshot beyond the topic's end was applied:\n%s", got)
	}
}
