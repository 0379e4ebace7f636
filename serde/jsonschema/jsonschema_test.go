package jsonschema_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/jsonschema"
	"github.com/accord-registry/accord/serde/sertest"
)

type order struct {
	ID    int      `json:"id"`
	Item  string   `json:"item"`
	Price float64  `json:"price"`
	Tags  []string `json:"tags,omitempty"`
}

const orderSchema = `{"title":"Order","type":"object","properties":{
	"id":{"type":"integer","minimum":1},"item":{"type":"string"},"price":{"type":"number"},
	"tags":{"type":"array","items":{"type":"string"}}},"required":["id","item"]}`

var ctx = context.Background()

func newSerializer[T any](t *testing.T, c *serde.Client, schema string, opts ...serde.Option) *jsonschema.Serializer[T] {
	t.Helper()
	s, err := jsonschema.NewSerializer[T](c, schema, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newDeserializer[T any](t *testing.T, c *serde.Client, opts ...serde.Option) *jsonschema.Deserializer[T] {
	t.Helper()
	d, err := jsonschema.NewDeserializer[T](c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRoundTripAndBytes(t *testing.T) {
	r := sertest.New(t)
	in := order{ID: 7, Item: "book", Price: 12.5, Tags: []string{"gift"}}
	payload, err := newSerializer[order](t, r.Client(), orderSchema).Serialize(ctx, "orders", in)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := r.Client().Lookup(ctx, "orders-value", sr.Schema{Schema: orderSchema, Type: sr.TypeJSON}, false)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(in)
	if want := append(serde.AppendPrefix(nil, serde.IDOf(reg.ID)), body...); !bytes.Equal(payload, want) {
		t.Fatalf("payload %q, want %q", payload, want)
	}
	out, id, err := newDeserializer[order](t, r.Client(), serde.Validate()).Deserialize(ctx, payload, nil)
	if err != nil || !reflect.DeepEqual(out, in) || id != serde.IDOf(reg.ID) {
		t.Fatalf("read %+v with %v (%v)", out, id, err)
	}
	generic, _, err := newDeserializer[any](t, r.Client()).Deserialize(ctx, payload, nil)
	want := map[string]any{"id": 7.0, "item": "book", "price": 12.5, "tags": []any{"gift"}}
	if err != nil || !reflect.DeepEqual(generic, want) {
		t.Fatalf("generic read %#v (%v)", generic, err)
	}
}

func TestValidation(t *testing.T) {
	r := sertest.New(t)
	bad := order{ID: 0, Item: "book"} // id below its minimum
	strict := newSerializer[order](t, r.Client(), orderSchema, serde.Validate())
	_, err := strict.Serialize(ctx, "orders", bad)
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "/id") {
		t.Fatalf("an invalid value was written or the error does not say where: %v", err)
	}
	lax := newSerializer[order](t, r.Client(), orderSchema)
	payload, err := lax.Serialize(ctx, "orders", bad)
	if err != nil {
		t.Fatalf("without validation: %v", err)
	}
	if _, _, err := newDeserializer[order](t, r.Client(), serde.Validate()).Deserialize(ctx, payload, nil); !errors.As(err, &ve) {
		t.Fatalf("a validating deserializer read an invalid record: %v", err)
	}
	if _, _, err := newDeserializer[order](t, r.Client()).Deserialize(ctx, payload, nil); err != nil {
		t.Fatalf("a deserializer without validation: %v", err)
	}
	generic := newSerializer[any](t, r.Client(), orderSchema, serde.Validate())
	if _, err := generic.Serialize(ctx, "orders", map[string]any{"id": 3}); !errors.As(err, &ve) {
		t.Fatalf("a map without the required item was written: %v", err)
	}
}

// TestNumbersBeyondRange covers numbers math/big cannot hold (an exponent past its limit):
// the validator compares numbers as big.Rat and panicked on them, in a value (found by
// FuzzDeserialize) and in a schema's enum.
func TestNumbersBeyondRange(t *testing.T) {
	r := sertest.New(t)
	de := newDeserializer[any](t, r.Client(), serde.Validate())
	payload, err := newSerializer[order](t, r.Client(), orderSchema).Serialize(ctx, "orders", order{ID: 1, Item: "pen"})
	if err != nil {
		t.Fatal(err)
	}
	hostile := append(payload[:5:5], `{"id":1e99999999,"item":"x"}`...)
	if _, _, err := de.Deserialize(ctx, hostile, nil); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("a value with 1e99999999: %v, want an out of range error", err)
	}
	enum := `{"type":"object","properties":{"n":{"enum":[1e99999999,2]}}}`
	lax := newSerializer[map[string]any](t, r.Client(), enum)
	payload, err = lax.Serialize(ctx, "enums", map[string]any{"n": 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := de.Deserialize(ctx, payload, nil); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("a schema with 1e99999999 in an enum: %v, want an out of range error", err)
	}
	strict := newSerializer[map[string]any](t, r.Client(), enum, serde.Validate())
	if _, err := strict.Serialize(ctx, "enums", map[string]any{"n": 2}); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("a validating serializer on that schema: %v, want an out of range error", err)
	}
}

func TestValidatorCompiledOncePerID(t *testing.T) {
	r := sertest.New(t)
	payload, err := newSerializer[order](t, r.Client(), orderSchema).Serialize(ctx, "orders", order{ID: 1, Item: "pen"})
	if err != nil {
		t.Fatal(err)
	}
	de := newDeserializer[order](t, r.Client(), serde.Validate())
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
		t.Errorf("50 concurrent reads of an unknown id made %d requests, want 1", n)
	}
}

func TestReferences(t *testing.T) {
	r := sertest.New(t)
	address := `{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`
	if _, err := r.SR().CreateSchema(ctx, "address", sr.Schema{Schema: address, Type: sr.TypeJSON}); err != nil {
		t.Fatal(err)
	}
	customer := `{"title":"Customer","type":"object","properties":{"home":{"$ref":"address.json"}},"required":["home"]}`
	ref := serde.References(sr.SchemaReference{Name: "address.json", Subject: "address", Version: 1})
	ser := newSerializer[map[string]any](t, r.Client(), customer, ref, serde.Validate())
	payload, err := ser.Serialize(ctx, "customers", map[string]any{"home": map[string]any{"city": "Lyon"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ser.Serialize(ctx, "customers", map[string]any{"home": map[string]any{}}); err == nil {
		t.Fatal("the referenced schema's required city was not enforced")
	}
	v, _, err := newDeserializer[map[string]any](t, r.Client(), serde.Validate()).Deserialize(ctx, payload, nil)
	if err != nil || v["home"].(map[string]any)["city"] != "Lyon" {
		t.Fatalf("read %v, %v", v, err)
	}
}

func TestIDFormatsAndSubjects(t *testing.T) {
	r := sertest.New(t)
	in := order{ID: 2, Item: "cup"}
	for _, f := range []serde.IDFormat{serde.PrefixID, serde.PrefixGUID, serde.HeaderGUID} {
		payload, headers, err := newSerializer[order](t, r.Client(), orderSchema, serde.WithIDFormat(f)).SerializeWithHeaders(ctx, "orders", in, nil)
		if err != nil {
			t.Fatal(err)
		}
		out, id, err := newDeserializer[order](t, r.Client()).Deserialize(ctx, payload, headers)
		if err != nil || !reflect.DeepEqual(out, in) || id.IsGUID != (f != serde.PrefixID) {
			t.Errorf("format %d: %+v with %v, %v", f, out, id, err)
		}
	}
	for _, tc := range []struct {
		opt     serde.Option
		subject string
	}{{serde.Key(), "orders-key"}, {serde.Strategy(serde.RecordName), "Order"}, {serde.Strategy(serde.TopicRecordName), "orders-Order"}} {
		if _, err := newSerializer[order](t, r.Client(), orderSchema, tc.opt).Serialize(ctx, "orders", in); err != nil {
			t.Fatal(err)
		}
		if _, err := r.SR().SchemaByVersion(ctx, tc.subject, 1); err != nil {
			t.Errorf("no registration under %s: %v", tc.subject, err)
		}
	}
	untitled := `{"type":"object"}`
	if _, err := newSerializer[order](t, r.Client(), untitled, serde.Strategy(serde.RecordName)).Serialize(ctx, "orders", in); err == nil {
		t.Error("RecordName with a schema without a title: no error")
	}
}

func TestErrors(t *testing.T) {
	r := sertest.New(t)
	_, err := newSerializer[order](t, r.Client(), orderSchema, serde.NoAutoRegister()).Serialize(ctx, "orders", order{ID: 1})
	var re *sr.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 404 {
		t.Errorf("NoAutoRegister with an unknown schema: %v", err)
	}
	de := newDeserializer[order](t, r.Client())
	var we *serde.WireError
	if _, _, err := de.Deserialize(ctx, []byte(`{"id":1}`), nil); !errors.As(err, &we) {
		t.Errorf("JSON without a prefix: %v, want a *serde.WireError", err)
	}
	payload, err := newSerializer[order](t, r.Client(), orderSchema).Serialize(ctx, "orders", order{ID: 1, Item: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := de.Deserialize(ctx, append(payload[:5:5], "not json"...), nil); err == nil {
		t.Error("a body that is not JSON decoded")
	}
	if _, err := jsonschema.NewSerializer[order](r.Client(), `{"type":`); err == nil {
		t.Error("a schema that is not JSON was accepted")
	}
}
