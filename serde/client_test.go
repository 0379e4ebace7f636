package serde_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/sertest"
)

// The client and the format-independent halves of serializers, against a real registry.

const (
	userV1 = `{"type":"record","name":"User","namespace":"com.example","fields":[{"name":"id","type":"long"}]}`
	userV2 = `{"type":"record","name":"User","namespace":"com.example","fields":[{"name":"id","type":"long"},{"name":"email","type":["null","string"],"default":null}]}`
	userV3 = `{"type":"record","name":"User","namespace":"com.example","fields":[{"name":"id","type":"long"},{"name":"email","type":["null","string"],"default":null},{"name":"phone","type":["null","string"],"default":null}]}`
)

func avroSchema(text string) sr.Schema { return sr.Schema{Schema: text, Type: sr.TypeAvro} }

// requests runs f and returns how many HTTP requests the registry served meanwhile.
func requests(r *sertest.Registry, f func()) int64 {
	before := r.Requests()
	f()
	return r.Requests() - before
}

func TestClientRegisterIsCached(t *testing.T) {
	r := sertest.New(t)
	c := r.Client()
	ctx := context.Background()
	var first, again serde.Registered
	n := requests(r, func() {
		var err error
		if first, err = c.Register(ctx, "users-value", avroSchema(userV1), false); err != nil {
			t.Fatal(err)
		}
		if again, err = c.Register(ctx, "users-value", avroSchema(userV1), false); err != nil {
			t.Fatal(err)
		}
	})
	if n != 1 {
		t.Errorf("two registrations of one schema made %d requests, want 1", n)
	}
	if first.ID <= 0 || first.Version != 1 || first.Subject != "users-value" || !first.HasGUID || again.ID != first.ID || again.GUID != first.GUID {
		t.Errorf("registered %+v then %+v", first, again)
	}
	found, err := c.Lookup(ctx, "users-value", avroSchema(userV1), false)
	if err != nil || found.ID != first.ID || found.Version != 1 || found.GUID != first.GUID {
		t.Errorf("lookup: %+v, %v; want id %d version 1", found, err, first.ID)
	}
}

func TestClientLookupMissing(t *testing.T) {
	r := sertest.New(t)
	_, err := r.Client().Lookup(context.Background(), "users-value", avroSchema(userV1), false)
	var re *sr.ResponseError
	if !errors.As(err, &re) || re.ErrorCode != 40401 {
		t.Fatalf("lookup in a subject that does not exist: %v, want error code 40401", err)
	}
}

func TestClientSchemaByIDAndGUID(t *testing.T) {
	r := sertest.New(t)
	c := r.Client()
	ctx := context.Background()
	reg, err := c.Register(ctx, "users-value", avroSchema(userV1), false)
	if err != nil {
		t.Fatal(err)
	}
	fresh := r.Client() // nothing cached yet
	for _, id := range []serde.SchemaID{serde.IDOf(reg.ID), serde.GUIDOf(reg.GUID)} {
		var s sr.Schema
		if n := requests(r, func() {
			for range 3 {
				if s, err = fresh.Schema(ctx, id); err != nil {
					t.Fatalf("%v: %v", id, err)
				}
			}
		}); n != 1 {
			t.Errorf("%v three times: %d requests, want 1", id, n)
		}
		if s.Schema != userV1 {
			t.Errorf("%v: schema %q", id, s.Schema)
		}
	}
}

func TestClientSingleFlight(t *testing.T) {
	r := sertest.New(t)
	reg, err := r.Client().Register(context.Background(), "users-value", avroSchema(userV1), false)
	if err != nil {
		t.Fatal(err)
	}
	c := r.Client()
	n := requests(r, func() {
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				if _, err := c.Schema(context.Background(), serde.IDOf(reg.ID)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	})
	if n != 1 {
		t.Errorf("50 concurrent lookups of one unknown id made %d requests, want 1", n)
	}
}

func TestClientLatestAndVersion(t *testing.T) {
	r := sertest.New(t)
	c := r.Client()
	ctx := context.Background()
	if _, err := r.SR().CreateSchema(ctx, "users-value", avroSchema(userV1)); err != nil {
		t.Fatal(err)
	}
	v2, err := r.SR().CreateSchema(ctx, "users-value", sr.Schema{Schema: userV2,
		SchemaMetadata: &sr.SchemaMetadata{Properties: map[string]string{"owner": "team-a", "tier": "gold"}}})
	if err != nil {
		t.Fatal(err)
	}
	latest, err := c.Latest(ctx, "users-value")
	if err != nil || latest.Version != 2 || latest.ID != int32(v2.ID) {
		t.Fatalf("latest: %+v, %v; want version 2 id %d", latest, err, v2.ID)
	}
	if n := requests(r, func() { _, _ = c.Latest(ctx, "users-value") }); n != 0 {
		t.Errorf("latest within its TTL made %d requests", n)
	}
	tagged, err := c.LatestWithMetadata(ctx, "users-value", map[string]string{"tier": "gold", "owner": "team-a"})
	if err != nil || tagged.Version != 2 {
		t.Fatalf("latest with metadata: %+v, %v; want version 2", tagged, err)
	}
	_, err = c.LatestWithMetadata(ctx, "users-value", map[string]string{"owner": "team-b"})
	var re *sr.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 404 {
		t.Fatalf("latest with metadata nobody has: %v, want a 404", err)
	}
	v1, err := c.Version(ctx, "users-value", 1)
	if err != nil || v1.Schema.Schema != userV1 || v1.Version != 1 {
		t.Fatalf("version 1: %+v, %v", v1, err)
	}
}

func TestClientReferencesDependenciesFirst(t *testing.T) {
	r := sertest.New(t)
	ctx := context.Background()
	cl := r.SR()
	mustCreate := func(subject string, s sr.Schema) {
		t.Helper()
		if _, err := cl.CreateSchema(ctx, subject, s); err != nil {
			t.Fatalf("register %s: %v", subject, err)
		}
	}
	mustCreate("address", avroSchema(`{"type":"record","name":"Address","namespace":"com.example","fields":[{"name":"city","type":"string"}]}`))
	mustCreate("customer", sr.Schema{Type: sr.TypeAvro,
		Schema:     `{"type":"record","name":"Customer","namespace":"com.example","fields":[{"name":"home","type":"com.example.Address"}]}`,
		References: []sr.SchemaReference{{Name: "com.example.Address", Subject: "address", Version: 1}}})
	refs := []sr.SchemaReference{
		{Name: "com.example.Customer", Subject: "customer", Version: 1},
		{Name: "com.example.Address", Subject: "address", Version: 1},
	}
	got, err := r.Client().References(ctx, refs)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ref := range got {
		names = append(names, ref.Name+"@"+ref.Subject)
	}
	if len(names) != 2 || names[0] != "com.example.Address@address" || names[1] != "com.example.Customer@customer" {
		t.Errorf("references %v: want the address before the customer that uses it, each once", names)
	}
}

func TestWriterStrategiesAndModes(t *testing.T) {
	r := sertest.New(t)
	ctx := context.Background()
	own := avroSchema(userV1)
	for _, tc := range []struct {
		name    string
		opts    []serde.Option
		subject string
	}{
		{"topic value", nil, "orders-value"},
		{"topic key", []serde.Option{serde.Key()}, "orders-key"},
		{"record", []serde.Option{serde.Strategy(serde.RecordName)}, "com.example.User"},
		{"topic record", []serde.Option{serde.Strategy(serde.TopicRecordName)}, "orders-com.example.User"},
		{"custom", []serde.Option{serde.Strategy(func(topic string, isKey bool, name string) (string, error) {
			return "team-a." + topic, nil
		})}, "team-a.orders"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := serde.NewWriter(r.Client(), tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			target, err := w.Resolve(ctx, "orders", "com.example.User", own)
			if err != nil {
				t.Fatal(err)
			}
			if target.Subject != tc.subject || !target.Own {
				t.Errorf("target %+v, want subject %q and the serializer's own schema", target.Registered, tc.subject)
			}
			if cached, ok := w.Cached("orders", "com.example.User"); !ok || cached != target {
				t.Errorf("the resolved target is not cached")
			}
		})
	}
}

func TestWriterUseLatestAndSchemaID(t *testing.T) {
	r := sertest.New(t)
	ctx := context.Background()
	v1, err := r.SR().CreateSchema(ctx, "users-value", avroSchema(userV1))
	if err != nil {
		t.Fatal(err)
	}
	// v2 carries the metadata asked for below; v3, the latest, overrides it (a version
	// without metadata would inherit v2's, as in Confluent).
	v2, err := r.SR().CreateSchema(ctx, "users-value", sr.Schema{Schema: userV2,
		SchemaMetadata: &sr.SchemaMetadata{Properties: map[string]string{"owner": "team-a"}}})
	if err != nil {
		t.Fatal(err)
	}
	v3, err := r.SR().CreateSchema(ctx, "users-value", sr.Schema{Schema: userV3,
		SchemaMetadata: &sr.SchemaMetadata{Properties: map[string]string{"owner": "team-b"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opt  serde.Option
		want int
	}{
		{"latest", serde.UseLatest(), v3.ID},
		{"schema id", serde.UseSchemaID(int32(v1.ID)), v1.ID},
		{"latest with metadata", serde.UseLatestWithMetadata(map[string]string{"owner": "team-a"}), v2.ID},
	} {
		w, err := serde.NewWriter(r.Client(), tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		// The serializer's own schema is v1 in both cases; the mode decides.
		target, err := w.Resolve(ctx, "users", "com.example.User", avroSchema(userV1))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if int(target.ID) != tc.want || target.Own {
			t.Errorf("%s: id %d own %v, want id %d chosen by the mode", tc.name, target.ID, target.Own, tc.want)
		}
	}
	w, err := serde.NewWriter(r.Client(), serde.NoAutoRegister())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Resolve(ctx, "users", "", avroSchema(`"string"`)); err == nil {
		t.Error("NoAutoRegister with a schema the subject does not have: no error")
	}
}

func TestWriterFraming(t *testing.T) {
	r := sertest.New(t)
	ctx := context.Background()
	for _, f := range []serde.IDFormat{serde.PrefixID, serde.PrefixGUID, serde.HeaderGUID} {
		w, err := serde.NewWriter(r.Client(), serde.WithIDFormat(f))
		if err != nil {
			t.Fatal(err)
		}
		target, err := w.Resolve(ctx, "users", "", avroSchema(userV1))
		if err != nil {
			t.Fatal(err)
		}
		payload := w.AppendPrefix(nil, target, nil)
		payload = append(payload, "body"...)
		headers := w.AppendHeader(nil, target, nil)
		id, _, body, err := serde.Decode(payload, headers, false, false)
		if err != nil {
			t.Fatalf("format %d: %v", f, err)
		}
		want := serde.IDOf(target.ID)
		if f != serde.PrefixID {
			want = serde.GUIDOf(target.GUID)
		}
		if id != want || string(body) != "body" || (f == serde.HeaderGUID) != (len(headers) == 1) {
			t.Errorf("format %d: read %v, body %q, %d headers; want %v", f, id, body, len(headers), want)
		}
	}
}

func TestConfigRejectsContradictions(t *testing.T) {
	for _, opts := range [][]serde.Option{
		{serde.UseLatest(), serde.UseSchemaID(3)},
		{serde.UseLatestWithMetadata(map[string]string{"a": "b"}), serde.UseLatest()},
		{serde.UseSchemaID(-1)},
		{serde.Strategy(nil)},
		{serde.WithIDFormat(9)},
	} {
		if _, err := serde.NewConfig(opts...); err == nil {
			t.Errorf("config %d options: no error", len(opts))
		}
	}
	c, err := serde.NewConfig()
	if err != nil || !c.AutoRegister || c.IDFormat != serde.PrefixID {
		t.Errorf("defaults: %+v, %v", c, err)
	}
}

// BenchmarkWriterCached is the per-record lookup of a serializer writing to one topic and to
// two topics in turn; neither may allocate.
func BenchmarkWriterCached(b *testing.B) {
	r := sertest.New(b)
	w, err := serde.NewWriter(r.Client())
	if err != nil {
		b.Fatal(err)
	}
	for _, topic := range []string{"a", "b"} {
		if _, err := w.Resolve(context.Background(), topic, "", avroSchema(userV1)); err != nil {
			b.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		topics []string
	}{{"one topic", []string{"a"}}, {"two topics", []string{"a", "b"}}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, ok := w.Cached(tc.topics[i%len(tc.topics)], ""); !ok {
					b.Fatal("miss")
				}
				i++
			}
		})
	}
}
