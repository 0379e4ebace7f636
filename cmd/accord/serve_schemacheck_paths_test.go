package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// TestKafkaTrustedJunkOnEveryPath: with --kafka-schema-check trust, stored versions whose text
// does not parse (Avro, JSON Schema, Protobuf, and valid schemas that reference them, written
// to the topic by another writer) never make a request fail with 5xx; a request that needs
// one parsed fails with 42201 naming the stored version, never the schema it sent; and what
// does not compare a version (a registration under NONE, or under BACKWARD past older junk)
// succeeds, as Confluent's lazily parsed previous versions let it.
func TestKafkaTrustedJunkOnEveryPath(t *testing.T) {
	brokers := clusterWithJunk(t) // junk version 1, id 500
	produceSchemas(t, brokers,
		`{"subject":"jjunk","version":1,"id":501,"schemaType":"JSON","schema":"{not json","deleted":false}`,
		`{"subject":"pjunk","version":1,"id":502,"schemaType":"PROTOBUF","schema":"syntax = garbage","deleted":false}`,
		`{"subject":"refjunk","version":1,"id":503,"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"Junk\"}]}","deleted":false,"references":[{"name":"Junk","subject":"junk","version":1}]}`,
		`{"subject":"pref","version":1,"id":504,"schemaType":"PROTOBUF","schema":"syntax = \"proto3\"; import \"p.proto\"; message M { P p = 1; }","deleted":false,"references":[{"name":"p.proto","subject":"pjunk","version":1}]}`,
		`{"subject":"older","version":1,"id":505,"schema":"{\"type\":\"nosuch\"}","deleted":false}`,
		`{"subject":"older","version":2,"id":506,"schema":"\"int\"","deleted":false}`,
	)
	base := startServe(t, "--data-dir", t.TempDir(), "--kafka-brokers", brokers, "--kafka-schema-check", "trust")
	waitForStatus(t, base+"/readyz", "", "", 200)

	stored := map[string]string{"500": "junk version 1", "501": "jjunk version 1", "502": "pjunk version 1", "503": "refjunk version 1", "504": "pref version 1"}
	for id, named := range stored {
		subject := strings.Fields(named)[0]
		for _, path := range []string{"/schemas/ids/" + id + "?format=resolved", "/schemas/ids/" + id + "?format=serialized",
			"/schemas/ids/" + id + "/schema?format=ignore_extensions", "/subjects/" + subject + "/versions/1?format=resolved"} {
			if status, body := call(t, "GET", base+path, ""); status != 422 || !strings.Contains(body, "Stored schema "+named) {
				t.Errorf("GET %s = %d %s; want 42201 naming %s", path, status, body, named)
			}
		}
		for _, path := range []string{"/schemas/ids/" + id, "/schemas/ids/" + id + "/schema", "/schemas/ids/" + id + "/versions",
			"/subjects/" + subject + "/versions/1", "/subjects/" + subject + "/versions/1/referencedby"} {
			if status, body := call(t, "GET", base+path, ""); status != 200 {
				t.Errorf("GET %s = %d %s; want 200", path, status, body)
			}
		}
		for _, path := range []string{"/subjects/" + subject, "/subjects/" + subject + "?normalize=true"} {
			if status, body := call(t, "POST", base+path, `{"schema":"\"string\""}`); status != 404 {
				t.Errorf("POST %s = %d %s; want 40403", path, status, body)
			}
		}
		if status, body := call(t, "POST", base+"/compatibility/subjects/"+subject+"/versions/latest", `{"schema":"\"string\""}`); status != 422 || !strings.Contains(body, "Stored schema "+named) {
			t.Errorf("compatibility with %s = %d %s; want 42201 naming it", subject, status, body)
		}
	}
	for _, c := range []struct{ method, path, body string }{
		{"PUT", "/config/junk", `{"compatibility":"NONE"}`},
		{"POST", "/subjects/junk/versions", `{"schema":"\"string\""}`},
		{"POST", "/compatibility/subjects/junk/versions/1", `{"schema":"\"long\""}`},
		{"POST", "/subjects/older/versions", `{"schema":"\"int\""}`},
		{"POST", "/subjects/older/versions", `{"schema":"\"long\""}`},
		{"POST", "/compatibility/subjects/older/versions", `{"schema":"\"long\""}`},
		{"DELETE", "/subjects/pref", ""},
		{"DELETE", "/subjects/pref?permanent=true", ""},
		{"DELETE", "/subjects/pjunk/versions/1", ""},
	} {
		if status, body := call(t, c.method, base+c.path, c.body); status != 200 {
			t.Errorf("%s %s %s = %d %s; want 200", c.method, c.path, c.body, status, body)
		}
	}
}

// produceSchemas writes SCHEMA records with the given values to the existing registry topic,
// as another writer could.
func produceSchemas(t *testing.T, brokers string, values ...string) {
	t.Helper()
	cl, ctx := brokerClient(t, brokers)
	for _, v := range values {
		subject, version := jsonField(v, "subject"), jsonField(v, "version")
		rec := &kgo.Record{Topic: "_schemas", Value: []byte(v),
			Key: []byte(`{"keytype":"SCHEMA","subject":"` + subject + `","version":` + version + `,"magic":1}`)}
		if err := cl.ProduceSync(ctx, rec).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
}

// brokerClient is a Kafka client of brokers and a context of 10 s for its requests, both
// ended when the test ends.
func brokerClient(t *testing.T, brokers string) (*kgo.Client, context.Context) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return cl, ctx
}

// jsonField returns the raw text of a top-level string or number field of a flat JSON value.
func jsonField(v, name string) string {
	rest := v[strings.Index(v, `"`+name+`":`)+len(name)+3:]
	if rest[0] == '"' {
		return rest[1 : 1+strings.IndexByte(rest[1:], '"')]
	}
	return rest[:strings.IndexAny(rest, ",}")]
}
