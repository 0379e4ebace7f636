package kafkalog_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/accord-registry/accord/store"
)

// TestKafkaDekRegistryTopic: Accord serves a `_dek_registry_keys` topic that Confluent wrote
// (records as its KafkaDekRegistry writes them: a soft delete, and a tombstone for a hard
// delete), and what it writes there itself is byte for byte what Confluent would write.
func TestKafkaDekRegistryTopic(t *testing.T) {
	c := newCluster(t)
	c.openLog(t, "") // creates the topic
	c.produce(t,
		raw(`{"tenant":"default","name":"k1","type":"KEK"}`,
			`{"name":"k1","kmsType":"local-kms","kmsKeyId":"id","kmsProps":{},"shared":false,"deleted":false,"type":"KEK"}`),
		raw(`{"tenant":"default","kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":1,"type":"DEK"}`,
			`{"kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":1,"encryptedKeyMaterial":"AAAA","deleted":false,"type":"DEK"}`),
		raw(`{"tenant":"default","kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":2,"type":"DEK"}`,
			`{"kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":2,"encryptedKeyMaterial":"BBBB","deleted":false,"type":"DEK"}`),
		raw(`{"tenant":"default","kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":2,"type":"DEK"}`,
			`{"kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":2,"encryptedKeyMaterial":"BBBB","deleted":true,"type":"DEK"}`),
		raw(`{"tenant":"default","kekName":"k1","subject":"gone","algorithm":"AES256_GCM","version":1,"type":"DEK"}`,
			`{"kekName":"k1","subject":"gone","algorithm":"AES256_GCM","version":1,"encryptedKeyMaterial":"CCCC","deleted":true,"type":"DEK"}`),
		raw(`{"tenant":"default","kekName":"k1","subject":"gone","algorithm":"AES256_GCM","version":1,"type":"DEK"}`, ""),
	)
	dir := t.TempDir()
	l := c.openLog(t, dir)
	l.SetLeader(true, 1)
	keys := openStore(t, l)
	ctx := context.Background()

	latest, err := keys.Dek(ctx, "k1", "s", "", store.Latest, false)
	if err != nil || latest.Version != 1 || latest.EncryptedKeyMaterial != "AAAA" || latest.TS == 0 {
		t.Fatalf("latest live DEK = %+v, %v", latest, err)
	}
	all, _ := keys.DekVersions(ctx, "k1", "s", "", true)
	subjects, _ := keys.DekSubjects(ctx, "k1", true)
	if !slices.Equal(all, []int{1, 2}) || !slices.Equal(subjects, []string{"s"}) {
		t.Fatalf("versions %v, subjects %v", all, subjects)
	}

	docText := "d"
	if _, err := keys.CreateKek(ctx, store.CreateKek{Name: "k2", KmsType: &[]string{"local-kms"}[0], KmsKeyID: &[]string{"id2"}[0],
		KmsProps: map[string]string{"z": "1", "a": "2"}, Doc: &docText}); err != nil {
		t.Fatal(err)
	}
	enc := "DDDD"
	if _, err := keys.CreateDek(ctx, "k2", store.CreateDek{Subject: ":.ctx:s", EncryptedKeyMaterial: &enc}); err != nil {
		t.Fatal(err)
	}
	if err := keys.DeleteDeks(ctx, "k2", ":.ctx:s", "", false); err != nil {
		t.Fatal(err)
	}
	if err := keys.DeleteDeks(ctx, "k2", ":.ctx:s", "", true); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"tenant":"default","name":"k2","type":"KEK"} {"name":"k2","kmsType":"local-kms","kmsKeyId":"id2","kmsProps":{"a":"2","z":"1"},"doc":"d","shared":false,"deleted":false,"type":"KEK"}`,
		`{"tenant":"default","kekName":"k2","subject":":.ctx:s","algorithm":"AES256_GCM","version":1,"type":"DEK"} {"kekName":"k2","subject":":.ctx:s","algorithm":"AES256_GCM","version":1,"encryptedKeyMaterial":"DDDD","deleted":false,"type":"DEK"}`,
		`{"tenant":"default","kekName":"k2","subject":":.ctx:s","algorithm":"AES256_GCM","version":1,"type":"DEK"} {"kekName":"k2","subject":":.ctx:s","algorithm":"AES256_GCM","version":1,"encryptedKeyMaterial":"DDDD","deleted":true,"type":"DEK"}`,
		`{"tenant":"default","kekName":"k2","subject":":.ctx:s","algorithm":"AES256_GCM","version":1,"type":"DEK"} <tombstone>`,
	}
	got := c.consume(t)
	if len(got) < len(want) || !slices.Equal(got[len(got)-len(want):], want) {
		t.Fatalf("records written:\n%v\nwant at the end:\n%v", got, want)
	}

	// A restart from the snapshot serves the same keys.
	keys.Close() // writes the final snapshot
	l.Close()
	restarted := openStore(t, c.openLog(t, dir))
	kek, err := restarted.Kek(ctx, "k2", false)
	if err != nil || kek.KmsProps["z"] != "1" || kek.Doc == nil || kek.TS == 0 {
		t.Fatalf("KEK after a restart from the snapshot = %+v, %v", kek, err)
	}
	if subjects, _ := restarted.DekSubjects(ctx, "k2", true); len(subjects) != 0 {
		t.Fatalf("a permanently deleted DEK came back: %v", subjects)
	}
	if d, err := restarted.Dek(ctx, "k1", "s", "", 2, true); err != nil || !d.Deleted {
		t.Fatalf("soft-deleted DEK after a restart = %+v, %v", d, err)
	}
}

// consume reads every committed record of the topic as "key value" lines.
func (c cluster) consume(t *testing.T) []string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.brokers...), kgo.ConsumeTopics(c.topic),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ends, err := endOffset(ctx, cl, c.topic)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	next := int64(0)
	read := func(ctx context.Context) {
		fetches := cl.PollFetches(ctx)
		fetches.EachRecord(func(r *kgo.Record) {
			v := "<tombstone>"
			if r.Value != nil {
				v = string(r.Value)
			}
			out = append(out, string(r.Key)+" "+v)
			next = r.Offset + 1
		})
	}
	// The last offset may hold a transaction's commit marker, which is never returned.
	for next < ends-1 && ctx.Err() == nil {
		read(ctx)
	}
	last, cancelLast := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancelLast()
	for next < ends && last.Err() == nil {
		read(last)
	}
	return out
}

// endOffset returns the end offset of the topic's only partition.
func endOffset(ctx context.Context, cl *kgo.Client, topic string) (int64, error) {
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		return 0, err
	}
	o, ok := ends.Lookup(topic, 0)
	if !ok {
		return 0, fmt.Errorf("no end offset for %s", topic)
	}
	return o.Offset, o.Err
}
