package avro_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"

	hamba "github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/sertest"
)

type user struct {
	ID    int64  `avro:"id"`
	Name  string `avro:"name"`
	Admin bool   `avro:"admin"`
}

const userSchema = `{"type":"record","name":"User","namespace":"com.example","fields":[
	{"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"admin","type":"boolean"}]}`

// userV2 adds an email with a default and drops admin: BACKWARD compatible with userSchema.
const userV2 = `{"type":"record","name":"User","namespace":"com.example","fields":[
	{"name":"id","type":"long"},{"name":"name","type":"string"},
	{"name":"email","type":"string","default":"unknown"}]}`

type userWithEmail struct {
	ID    int64  `avro:"id"`
	Name  string `avro:"name"`
	Email string `avro:"email"`
}

var ctx = context.Background()

func mustSerializer[T any](t *testing.T, c *serde.Client, schema string, opts ...serde.Option) *avro.Serializer[T] {
	t.Helper()
	s, err := avro.NewSerializer[T](c, schema, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustDeserializer[T any](t *testing.T, c *serde.Client, schema string, opts ...serde.Option) *avro.Deserializer[T] {
	t.Helper()
	d, err := avro.NewDeserializer[T](c, schema, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRoundTripAndBytes(t *testing.T) {
	r := sertest.New(t)
	ser := mustSerializer[user](t, r.Client(), userSchema)
	in := user{ID: 42, Name: "ada", Admin: true}
	payload, err := ser.Serialize(ctx, "users", in)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := r.Client().Lookup(ctx, "users-value", sr.Schema{Schema: userSchema}, false)
	if err != nil {
		t.Fatalf("the schema is not registered under users-value: %v", err)
	}
	schema, err := hamba.ParseWithCache(userSchema, "", &hamba.SchemaCache{})
	if err != nil {
		t.Fatal(err)
	}
	body, err := hamba.Marshal(schema, in)
	if err != nil {
		t.Fatal(err)
	}
	if want := append(serde.AppendPrefix(nil, serde.IDOf(reg.ID)), body...); !bytes.Equal(payload, want) {
		t.Fatalf("payload % x, want % x", payload, want)
	}
	out, id, err := mustDeserializer[user](t, r.Client(), userSchema).Deserialize(ctx, payload, nil)
	if err != nil || out != in || id != serde.IDOf(reg.ID) {
		t.Fatalf("read %+v from %v (%v), wrote %+v with id %d", out, id, err, in, reg.ID)
	}
	appended, err := ser.Append(ctx, []byte("keep"), "users", in)
	if err != nil || !bytes.Equal(appended, append([]byte("keep"), payload...)) {
		t.Fatalf("Append: % x, %v", appended, err)
	}
}

func TestGeneric(t *testing.T) {
	r := sertest.New(t)
	ser, err := avro.NewGenericSerializer(r.Client(), userSchema)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := ser.Serialize(ctx, "users", map[string]any{"id": int64(7), "name": "grace", "admin": false})
	if err != nil {
		t.Fatal(err)
	}
	de, err := avro.NewGenericDeserializer(r.Client())
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := de.Deserialize(ctx, payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"id": int64(7), "name": "grace", "admin": false}
	if !reflect.DeepEqual(v, want) {
		t.Fatalf("generic read %#v, want %#v", v, want)
	}
}

func TestSchemaResolution(t *testing.T) {
	r := sertest.New(t)
	v1 := mustSerializer[user](t, r.Client(), userSchema)
	old, err := v1.Serialize(ctx, "users", user{ID: 1, Name: "ada", Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	v2 := mustSerializer[userWithEmail](t, r.Client(), userV2)
	newer, err := v2.Serialize(ctx, "users", userWithEmail{ID: 2, Name: "grace", Email: "g@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	// A v2 reader fills the email of v1 records with its default; a v1 reader of v2 records
	// skips the email and, admin being absent from v2 without a default, cannot read them.
	reader2 := mustDeserializer[userWithEmail](t, r.Client(), userV2)
	got, _, err := reader2.Deserialize(ctx, old, nil)
	if err != nil || got != (userWithEmail{ID: 1, Name: "ada", Email: "unknown"}) {
		t.Fatalf("v1 record read as v2: %+v, %v", got, err)
	}
	got, _, err = reader2.Deserialize(ctx, newer, nil)
	if err != nil || got.Email != "g@example.com" {
		t.Fatalf("v2 record read as v2: %+v, %v", got, err)
	}
	if _, _, err := mustDeserializer[user](t, r.Client(), userSchema).Deserialize(ctx, newer, nil); err == nil {
		t.Fatal("a v1 reader read a v2 record although admin has no default")
	}
}

func TestReferences(t *testing.T) {
	r := sertest.New(t)
	address := `{"type":"record","name":"Address","namespace":"com.example","fields":[{"name":"city","type":"string"}]}`
	if _, err := r.SR().CreateSchema(ctx, "address", sr.Schema{Schema: address}); err != nil {
		t.Fatal(err)
	}
	customer := `{"type":"record","name":"Customer","namespace":"com.example","fields":[{"name":"home","type":"com.example.Address"}]}`
	type addressT struct {
		City string `avro:"city"`
	}
	type customerT struct {
		Home addressT `avro:"home"`
	}
	ref := serde.References(sr.SchemaReference{Name: "com.example.Address", Subject: "address", Version: 1})
	ser := mustSerializer[customerT](t, r.Client(), customer, ref)
	payload, err := ser.Serialize(ctx, "customers", customerT{Home: addressT{City: "Lyon"}})
	if err != nil {
		t.Fatal(err)
	}
	latest, err := r.SR().SchemaByVersion(ctx, "customers-value", -1)
	if err != nil || len(latest.References) != 1 || latest.References[0].Subject != "address" {
		t.Fatalf("registered %+v, %v: want the reference to address", latest, err)
	}
	got, _, err := mustDeserializer[customerT](t, r.Client(), customer, ref).Deserialize(ctx, payload, nil)
	if err != nil || got.Home.City != "Lyon" {
		t.Fatalf("typed read: %+v, %v", got, err)
	}
	generic, err := avro.NewGenericDeserializer(r.Client())
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := generic.Deserialize(ctx, payload, nil)
	if err != nil || !reflect.DeepEqual(v, map[string]any{"home": map[string]any{"city": "Lyon"}}) {
		t.Fatalf("generic read with the writer's references: %#v, %v", v, err)
	}
}

func TestIDFormats(t *testing.T) {
	r := sertest.New(t)
	in := user{ID: 5, Name: "edsger"}
	de := mustDeserializer[user](t, r.Client(), userSchema)
	for _, f := range []serde.IDFormat{serde.PrefixID, serde.PrefixGUID, serde.HeaderGUID} {
		ser := mustSerializer[user](t, r.Client(), userSchema, serde.WithIDFormat(f))
		payload, headers, err := ser.SerializeWithHeaders(ctx, "users", in, nil)
		if err != nil {
			t.Fatal(err)
		}
		out, id, err := de.Deserialize(ctx, payload, headers)
		if err != nil || out != in || id.IsGUID != (f != serde.PrefixID) || (len(headers) == 1) != (f == serde.HeaderGUID) {
			t.Errorf("format %d: read %+v with %v (%d headers), %v", f, out, id, len(headers), err)
		}
		if _, err := ser.Serialize(ctx, "users", in); (err != nil) != (f == serde.HeaderGUID) {
			t.Errorf("format %d: Serialize error %v; want one exactly for HeaderGUID", f, err)
		}
	}
}

func TestSubjects(t *testing.T) {
	r := sertest.New(t)
	for _, tc := range []struct {
		opts    []serde.Option
		subject string
	}{
		{[]serde.Option{serde.Key()}, "users-key"},
		{[]serde.Option{serde.Strategy(serde.RecordName)}, "com.example.User"},
		{[]serde.Option{serde.Strategy(serde.TopicRecordName)}, "users-com.example.User"},
	} {
		if _, err := mustSerializer[user](t, r.Client(), userSchema, tc.opts...).Serialize(ctx, "users", user{}); err != nil {
			t.Fatal(err)
		}
		if _, err := r.SR().SchemaByVersion(ctx, tc.subject, 1); err != nil {
			t.Errorf("want a registration under %s: %v", tc.subject, err)
		}
	}
}

func TestWithoutAutoRegister(t *testing.T) {
	r := sertest.New(t)
	_, err := mustSerializer[user](t, r.Client(), userSchema, serde.NoAutoRegister()).Serialize(ctx, "users", user{})
	var re *sr.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 404 {
		t.Fatalf("unregistered schema without auto-registration: %v, want the registry's 404", err)
	}
	v1, err := r.SR().CreateSchema(ctx, "users-value", sr.Schema{Schema: userSchema})
	if err != nil {
		t.Fatal(err)
	}
	v2, err := r.SR().CreateSchema(ctx, "users-value", sr.Schema{Schema: userV2})
	if err != nil {
		t.Fatal(err)
	}
	de := mustDeserializer[userWithEmail](t, r.Client(), userV2)
	for _, tc := range []struct {
		name string
		opt  serde.Option
		want int
	}{{"use schema id", serde.UseSchemaID(int32(v1.ID)), v1.ID}, {"use latest", serde.UseLatest(), v2.ID}} {
		// The struct has the fields of both versions that they need.
		payload, err := mustSerializer[userWithEmail](t, r.Client(), userV2, tc.opt).Serialize(ctx, "users",
			userWithEmail{ID: 9, Name: "barbara", Email: "b@example.com"})
		if tc.name == "use schema id" {
			// v1 has admin, which the struct lacks: hamba/avro refuses, as it should.
			if err == nil {
				t.Errorf("%s: encoded a struct without v1's admin field", tc.name)
			}
			payload, err = mustSerializer[user](t, r.Client(), userV2, tc.opt).Serialize(ctx, "users", user{ID: 9, Name: "barbara"})
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		_, id, err := de.Deserialize(ctx, payload, nil)
		if err != nil || id != serde.IDOf(int32(tc.want)) {
			t.Errorf("%s: written with %v (%v), want id %d", tc.name, id, err, tc.want)
		}
	}
}

func TestSingleFlight(t *testing.T) {
	r := sertest.New(t)
	payload, err := mustSerializer[user](t, r.Client(), userSchema).Serialize(ctx, "users", user{ID: 1})
	if err != nil {
		t.Fatal(err)
	}
	de := mustDeserializer[user](t, r.Client(), userSchema)
	before := r.Requests()
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, _, err := de.Deserialize(ctx, payload, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := r.Requests() - before; n != 1 {
		t.Errorf("50 concurrent reads of one unknown id made %d requests, want 1", n)
	}
}

func TestBadPayloads(t *testing.T) {
	r := sertest.New(t)
	de := mustDeserializer[user](t, r.Client(), userSchema)
	for _, p := range [][]byte{nil, {0}, {7, 0, 0, 0, 1}, []byte(`{"id":1}`)} {
		var we *serde.WireError
		if _, _, err := de.Deserialize(ctx, p, nil); !errors.As(err, &we) {
			t.Errorf("% x: %v, want a *serde.WireError", p, err)
		}
	}
	var re *sr.ResponseError
	if _, _, err := de.Deserialize(ctx, []byte{0, 0, 0, 0, 99, 1}, nil); !errors.As(err, &re) || re.StatusCode != 404 {
		t.Errorf("unknown id: %v, want the registry's 404", err)
	}
	payload, err := mustSerializer[user](t, r.Client(), userSchema).Serialize(ctx, "users", user{ID: 1, Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := de.Deserialize(ctx, payload[:6], nil); err == nil {
		t.Error("a truncated body decoded")
	}
	if _, err := avro.NewSerializer[user](r.Client(), `{"type":"record"`); err == nil {
		t.Error("a schema that does not parse was accepted")
	}
}
