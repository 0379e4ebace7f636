package kafkalog_test

import (
	"context"
	"testing"

	"github.com/accord-registry/accord/store"
)

// TestKafkaHostileRecordsIgnored: records that anyone able to produce to the topic could
// write, as in the 2026-12 review, change nothing a client reads on the leader or on a
// follower: an id beyond int32 does not make later ids wrap (each registration after it is
// kept), a new text for id 1 under its own subject and version does not replace it, and text
// that is not a schema, or a negative id, is not served; the id of the text that is not a
// schema is never given to another schema, as Confluent's readers serve it (ids go on at 501).
func TestKafkaHostileRecordsIgnored(t *testing.T) {
	c := newCluster(t)
	leaderLog := c.openLog(t, "")
	leaderLog.SetLeader(true, 1)
	leader := openStore(t, leaderLog)
	follower := openStore(t, c.openLog(t, ""))
	ctx := context.Background()

	const long = `{"type":"record","name":"P","fields":[{"name":"amount","type":"long"}]}`
	victim := mustRegister(t, leader, "victim-value", long)
	c.produce(t,
		raw(`{"keytype":"SCHEMA","subject":"big","version":1,"magic":1}`,
			`{"subject":"big","version":1,"id":9223372036854775807,"schema":"\"int\"","deleted":false}`),
		raw(`{"keytype":"SCHEMA","subject":"victim-value","version":1,"magic":1}`,
			`{"subject":"victim-value","version":1,"id":1,"schema":"{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"amount\",\"type\":\"double\"}]}","deleted":false}`),
		raw(`{"keytype":"SCHEMA","subject":"junk","version":1,"magic":1}`,
			`{"subject":"junk","version":1,"id":500,"schema":"{{not a schema","deleted":false}`),
		raw(`{"keytype":"SCHEMA","subject":"neg","version":1,"magic":1}`,
			`{"subject":"neg","version":1,"id":-7,"schema":"\"int\"","deleted":false}`),
	)
	// A leader decides against the records it has read, which need not include what another
	// writer produced since its own last write: read them first.
	if err := leader.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	a := mustRegister(t, leader, "after-value", `"string"`)
	b := mustRegister(t, leader, "after2-value", `"bytes"`)
	if a.ID != 501 || b.ID != 502 {
		t.Errorf("ids after the injection = %d, %d; want 501, 502", a.ID, b.ID)
	}
	if err := follower.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	for name, st := range map[string]*store.Store{"leader": leader, "follower": follower} {
		if sc, err := st.SchemaByID(ctx, 1, "", false); err != nil || sc.Text != victim.Text {
			t.Errorf("%s: id 1 = %q, %v; want the first content %q", name, sc.Text, err, victim.Text)
		}
		for _, want := range []store.Schema{a, b} {
			if sc, err := st.Version(ctx, want.Subject, 1, false); err != nil || sc.ID != want.ID {
				t.Errorf("%s: %s version 1 = %+v, %v; want id %d", name, want.Subject, sc, err, want.ID)
			}
		}
		for _, subject := range []string{"big", "junk", "neg"} {
			if vs, err := st.Versions(ctx, subject, store.VersionsOptions{Deleted: true}); err == nil {
				t.Errorf("%s: %s is served with versions %v", name, subject, vs)
			}
		}
		if _, err := st.SchemaByID(ctx, 500, "", false); err == nil {
			t.Errorf("%s: id 500 is served", name)
		}
	}
}
