package avro_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/sertest"
)

// Rules in the Avro serializers: where they run, on what, and what they leave. The runner
// is sertest's fake, the transforms are test functions: the wiring is what is tested here.

const customerSchema = `{"type":"record","name":"Customer","namespace":"com.acme","fields":[
	{"name":"id","type":"long"},
	{"name":"email","type":"string","confluent:tags":["PII"]},
	{"name":"nick","type":["null","string"],"default":null,"confluent:tags":["PII"]},
	{"name":"note","type":"string"},
	{"name":"address","type":{"type":"record","name":"Address","fields":[
		{"name":"street","type":"string","confluent:tags":["PII"]},{"name":"city","type":"string"}]}},
	{"name":"phones","type":{"type":"array","items":"string"},"confluent:tags":["PII"]},
	{"name":"labels","type":{"type":"map","values":"string"},"confluent:tags":["PII"]}]}`

type address struct {
	Street string `avro:"street"`
	City   string `avro:"city"`
}

type customer struct {
	ID      int64             `avro:"id"`
	Email   string            `avro:"email"`
	Nick    *string           `avro:"nick"`
	Note    string            `avro:"note"`
	Address address           `avro:"address"`
	Phones  []string          `avro:"phones"`
	Labels  map[string]string `avro:"labels"`
}

func newCustomer() customer {
	nick := "al"
	return customer{ID: 1, Email: "al@example.com", Nick: &nick, Note: "keep me",
		Address: address{Street: "1 main st", City: "lyon"}, Phones: []string{"555-1"}, Labels: map[string]string{"k": "v"}}
}

var upper = rules.Rule{Name: "upper", Kind: rules.Transform, Mode: rules.WriteRead, Type: "UPPER", Tags: []string{"PII"}}

// caseRunner upper-cases the string fields a rule selects on write and prefixes them with
// "read:" on read.
func caseRunner() *sertest.FakeRunner {
	return &sertest.FakeRunner{Field: func(rc *rules.Context, f rules.Field, v any) (any, error) {
		s, ok := v.(string)
		if !ok || f.Type != rules.FieldString {
			return v, nil
		}
		if rc.Mode == rules.Write {
			return strings.ToUpper(s), nil
		}
		return "read:" + s, nil
	}}
}

func register(t *testing.T, r *sertest.Registry, rs *rules.RuleSet) {
	t.Helper()
	r.Register(t, "customers-value", sertest.Schema{Schema: customerSchema, RuleSet: rs})
}

func TestRulesTransformTaggedFields(t *testing.T) {
	r := sertest.New(t)
	register(t, r, &rules.RuleSet{DomainRules: []rules.Rule{upper}})
	runner := caseRunner()
	c := r.Client()
	ser := mustSerializer[customer](t, c, customerSchema, serde.UseLatest(), serde.Rules(runner))
	payload, err := ser.Serialize(ctx, "customers", newCustomer())
	if err != nil {
		t.Fatal(err)
	}

	// The record holds the upper-cased tagged fields, and only those.
	plain, _, err := mustDeserializer[customer](t, c, customerSchema).Deserialize(ctx, payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	nick := "AL"
	want := customer{ID: 1, Email: "AL@EXAMPLE.COM", Nick: &nick, Note: "keep me",
		Address: address{Street: "1 MAIN ST", City: "lyon"}, Phones: []string{"555-1"}, Labels: map[string]string{"k": "V"}}
	if !reflect.DeepEqual(plain, want) {
		t.Fatalf("written %+v, want %+v", plain, want)
	}

	// Read rules run on the decoded value, typed and generic, given the topic.
	typed := mustDeserializer[customer](t, c, customerSchema, serde.Rules(runner))
	got, _, err := typed.Deserialize(serde.WithTopic(ctx, "customers"), payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Email != "read:AL@EXAMPLE.COM" || *got.Nick != "read:AL" || got.Address.Street != "read:1 MAIN ST" ||
		got.Address.City != "lyon" || got.Note != "keep me" || got.Phones[0] != "read:555-1" || got.Labels["k"] != "read:V" {
		t.Fatalf("read %+v", got)
	}
	generic, err := avro.NewGenericDeserializer(c, serde.Rules(runner))
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := generic.Deserialize(serde.WithTopic(ctx, "customers"), payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	if m["email"] != "read:AL@EXAMPLE.COM" || m["nick"] != "read:AL" || m["note"] != "keep me" ||
		m["address"].(map[string]any)["street"] != "read:1 MAIN ST" {
		t.Fatalf("generic read %#v", m)
	}
	if _, _, err := typed.Deserialize(ctx, payload, nil); err == nil || !strings.Contains(err.Error(), "WithTopic") {
		t.Fatalf("a record with rules read without its topic: %v, want an error that says WithTopic", err)
	}

	calls := runner.Calls()
	if len(calls) == 0 || calls[0].Mode != rules.Write || calls[0].Phase != rules.Domain || calls[0].Subject != "customers-value" ||
		calls[0].Topic != "customers" || calls[0].Source != nil || calls[0].Target == nil || !calls[0].Walker {
		t.Fatalf("first call %+v", calls)
	}
	read := calls[1]
	if read.Mode != rules.Read || read.Source == nil || read.Target != read.Source || read.Subject != "customers-value" {
		t.Fatalf("read call %+v", read)
	}
}

func TestRulesGenericValues(t *testing.T) {
	r := sertest.New(t)
	register(t, r, &rules.RuleSet{DomainRules: []rules.Rule{upper}})
	ser, err := avro.NewGenericSerializer(r.Client(), customerSchema, serde.UseLatest(), serde.Rules(caseRunner()))
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"id": int64(2), "email": "b@example.com", "nick": nil, "note": "n",
		"address": map[string]any{"street": "s", "city": "c"}, "phones": []any{"1"}, "labels": map[string]any{}}
	payload, err := ser.Serialize(ctx, "customers", in)
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
	m := v.(map[string]any)
	if m["email"] != "B@EXAMPLE.COM" || m["nick"] != nil || m["note"] != "n" || m["address"].(map[string]any)["street"] != "S" {
		t.Fatalf("written %#v", m)
	}
}

func TestRulesEncodingPhase(t *testing.T) {
	r := sertest.New(t)
	register(t, r, &rules.RuleSet{EncodingRules: []rules.Rule{{Name: "reverse", Kind: rules.Transform, Mode: rules.WriteRead, Type: "REVERSE"}}})
	runner := &sertest.FakeRunner{Encoding: func(_ *rules.Context, b []byte) []byte {
		out := slices.Clone(b)
		slices.Reverse(out)
		return out
	}}
	c := r.Client()
	ser := mustSerializer[customer](t, c, customerSchema, serde.UseLatest(), serde.Rules(runner))
	payload, err := ser.Serialize(ctx, "customers", newCustomer())
	if err != nil {
		t.Fatal(err)
	}
	plainSer := mustSerializer[customer](t, c, customerSchema, serde.UseLatest())
	plain, err := plainSer.Serialize(ctx, "customers", newCustomer())
	if err != nil {
		t.Fatal(err)
	}
	reversed := slices.Clone(plain[5:])
	slices.Reverse(reversed)
	if !bytes.Equal(payload[:5], plain[:5]) || !bytes.Equal(payload[5:], reversed) {
		t.Fatalf("payload % x, want the prefix and then % x", payload, reversed)
	}
	got, _, err := mustDeserializer[customer](t, c, customerSchema, serde.Rules(runner)).Deserialize(serde.WithTopic(ctx, "customers"), payload, nil)
	if err != nil || !reflect.DeepEqual(got, newCustomer()) {
		t.Fatalf("read %+v, %v", got, err)
	}
	for _, call := range runner.Calls() {
		if call.Phase != rules.Encoding {
			t.Errorf("call %+v: a schema without domain rules ran the domain phase", call)
		}
	}
}

func TestRulesConditionRejects(t *testing.T) {
	r := sertest.New(t)
	check := rules.Rule{Name: "noBad", Kind: rules.Condition, Mode: rules.Write, Type: "CHECK", Tags: []string{"PII"}, Doc: "no bad emails"}
	register(t, r, &rules.RuleSet{DomainRules: []rules.Rule{check}})
	runner := &sertest.FakeRunner{Field: func(_ *rules.Context, f rules.Field, v any) (any, error) {
		return v != "bad@example.com", nil
	}}
	ser := mustSerializer[customer](t, r.Client(), customerSchema, serde.UseLatest(), serde.Rules(runner))
	if _, err := ser.Serialize(ctx, "customers", newCustomer()); err != nil {
		t.Fatalf("a record meeting the condition: %v", err)
	}
	bad := newCustomer()
	bad.Email = "bad@example.com"
	_, err := ser.Serialize(ctx, "customers", bad)
	var ce *rules.ConditionError
	if !errors.As(err, &ce) || ce.Rule.Name != "noBad" || err.Error() != "no bad emails" {
		t.Fatalf("a record failing the condition: %v, want the rule's doc as a *rules.ConditionError", err)
	}

	// An engine's error (a whole-message condition that failed) surfaces as it is.
	failed := errors.New("rule noBad failed")
	ser = mustSerializer[customer](t, r.Client(), customerSchema, serde.UseLatest(), serde.Rules(&sertest.FakeRunner{Err: failed}))
	if _, err := ser.Serialize(ctx, "customers", newCustomer()); !errors.Is(err, failed) {
		t.Fatalf("Serialize: %v, want the runner's error", err)
	}
}

// TestRulesOnlyOnChosenSchemas: as in Confluent's serializers, a serializer that registers
// its own schema runs no rules, even with a runner, and even when the version it gets (the
// registry carries the rule set over from the previous version) has rules.
func TestRulesOnlyOnChosenSchemas(t *testing.T) {
	r := sertest.New(t)
	register(t, r, &rules.RuleSet{DomainRules: []rules.Rule{upper}})
	runner := caseRunner()
	ser := mustSerializer[customer](t, r.Client(), customerSchema, serde.Rules(runner))
	payload, err := ser.Serialize(ctx, "customers", newCustomer())
	if err != nil {
		t.Fatal(err)
	}
	info, err := r.Client().SchemaInfo(ctx, serde.IDOf(int32(binary.BigEndian.Uint32(payload[1:5]))))
	if err != nil || info.RuleSet == nil {
		t.Fatalf("the registered version: %+v, %v; want the rule set carried over", info, err)
	}
	if calls := runner.Calls(); len(calls) != 0 {
		t.Fatalf("rules ran %d times", len(calls))
	}
}

// TestRulesSelectFields: a selector of one's own sees each field's full name and inline tags.
func TestRulesSelectFields(t *testing.T) {
	r := sertest.New(t)
	register(t, r, &rules.RuleSet{DomainRules: []rules.Rule{upper}})
	var seen []string
	sel := func(_ *rules.Context, fullName string, inline []string) ([]string, bool) {
		seen = append(seen, fullName+strings.Join(inline, ","))
		return []string{"NOTE"}, fullName == "com.acme.Customer.note"
	}
	ser := mustSerializer[customer](t, r.Client(), customerSchema, serde.UseLatest(), serde.Rules(caseRunner()), serde.SelectFields(sel))
	payload, err := ser.Serialize(ctx, "customers", newCustomer())
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := mustDeserializer[customer](t, r.Client(), customerSchema).Deserialize(ctx, payload, nil)
	if err != nil || got.Note != "KEEP ME" || got.Email != "al@example.com" {
		t.Fatalf("read %+v, %v", got, err)
	}
	want := []string{"com.acme.Customer.id", "com.acme.Customer.emailPII", "com.acme.Customer.nickPII", "com.acme.Customer.note",
		"com.acme.Address.streetPII", "com.acme.Address.city", "com.acme.Customer.phonesPII", "com.acme.Customer.labelsPII"}
	if !slices.Equal(seen, want) {
		t.Fatalf("selector saw %q, want %q", seen, want)
	}
}

// TestRulesTargets: every way of choosing the schema runs its rules on write, and a
// deserializer that reads as the latest version runs that version's domain rules, with the
// writer's schema as the source.
func TestRulesTargets(t *testing.T) {
	r := sertest.New(t)
	id1 := r.Register(t, "customers-value", sertest.Schema{Schema: customerSchema, RuleSet: &rules.RuleSet{DomainRules: []rules.Rule{upper}},
		Metadata: &rules.Metadata{Properties: map[string]string{"major": "1"}}})
	for name, opt := range map[string]serde.Option{
		"id":            serde.UseSchemaID(int32(id1)),
		"latest":        serde.UseLatest(),
		"with metadata": serde.UseLatestWithMetadata(map[string]string{"major": "1"}),
	} {
		ser := mustSerializer[customer](t, r.Client(), customerSchema, opt, serde.Rules(caseRunner()))
		payload, err := ser.Serialize(ctx, "customers", newCustomer())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, _, err := mustDeserializer[customer](t, r.Client(), customerSchema).Deserialize(ctx, payload, nil)
		if err != nil || got.Email != "AL@EXAMPLE.COM" {
			t.Errorf("%s: wrote %+v, %v", name, got, err)
		}
	}

	v2 := strings.Replace(customerSchema, `"confluent:tags":["PII"]}`, `"confluent:tags":["PII"]},{"name":"extra","type":"string","default":"x"}`, 1)
	lower := rules.Rule{Name: "lower", Kind: rules.Transform, Mode: rules.Read, Type: "LOWER", Tags: []string{"PII"}}
	r.Register(t, "customers-value", sertest.Schema{Schema: v2, RuleSet: &rules.RuleSet{DomainRules: []rules.Rule{lower}},
		Metadata: &rules.Metadata{Properties: map[string]string{"major": "2"}}})
	payload, err := mustSerializer[customer](t, r.Client(), customerSchema, serde.UseSchemaID(int32(id1))).Serialize(ctx, "customers", newCustomer())
	if err != nil {
		t.Fatal(err)
	}
	runner := &sertest.FakeRunner{Field: func(rc *rules.Context, _ rules.Field, v any) (any, error) {
		if s, ok := v.(string); ok && rc.Rule.Name == "lower" {
			return "v2:" + s, nil
		}
		return v, nil
	}}
	de := mustDeserializer[customer](t, r.Client(), customerSchema, serde.UseLatest(), serde.Rules(runner))
	got, _, err := de.Deserialize(serde.WithTopic(ctx, "customers"), payload, nil)
	if err != nil || got.Email != "v2:al@example.com" {
		t.Fatalf("read as the latest version: %+v, %v", got, err)
	}
	call := runner.Calls()[0]
	if call.Source == nil || call.Target == nil || strings.Contains(call.Source.Schema, `"extra"`) || !strings.Contains(call.Target.Schema, `"extra"`) {
		t.Fatalf("read with source %+v and target %+v", call.Source, call.Target)
	}
}
