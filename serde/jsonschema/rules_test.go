package jsonschema_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/jsonschema"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/sertest"
)

// Rules in the JSON Schema serializers, with sertest's fake runner: where they run, on what
// they run, and what they leave.

const customerSchema = `{"title":"Customer","type":"object","properties":{
	"id":{"type":"integer"},
	"email":{"type":"string","confluent:tags":["PII"]},
	"nick":{"type":["null","string"],"confluent:tags":["PII"]},
	"note":{"type":"string"},
	"address":{"$ref":"#/definitions/Address"},
	"phones":{"type":"array","items":{"type":"string"},"confluent:tags":["PII"]},
	"contact":{"oneOf":[{"type":"null"},{"type":"object","properties":{"phone":{"type":"string","confluent:tags":["PII"]}}}]},
	"extra":{"allOf":[{"type":"object","properties":{"a":{"type":"string","confluent:tags":["PII"]}}},
		{"properties":{"b":{"type":"string"}}}]}},
	"definitions":{"Address":{"type":"object","properties":{
		"street":{"type":"string","confluent:tags":["PII"]},"city":{"type":"string"}}}}}`

type address struct {
	Street string `json:"street"`
	City   string `json:"city"`
}

type customer struct {
	ID      int               `json:"id"`
	Email   string            `json:"email"`
	Nick    *string           `json:"nick"`
	Note    string            `json:"note"`
	Address *address          `json:"address,omitempty"`
	Phones  []string          `json:"phones"`
	Contact map[string]any    `json:"contact"`
	Extra   map[string]string `json:"extra,omitempty"`
}

func newCustomer() customer {
	nick := "al"
	return customer{ID: 1, Email: "al@example.com", Nick: &nick, Note: "keep me", Address: &address{Street: "1 main st", City: "lyon"},
		Phones: []string{"555-1"}, Contact: map[string]any{"phone": "555-2"}, Extra: map[string]string{"a": "x", "b": "y"}}
}

var upper = rules.Rule{Name: "upper", Kind: rules.Transform, Mode: rules.WriteRead, Type: "UPPER", Tags: []string{"PII"}}

// caseRunner upper-cases the string fields a rule selects on write and prefixes them with
// "read:" on read.
func caseRunner() *sertest.FakeRunner {
	return &sertest.FakeRunner{Field: func(rc *rules.Context, f rules.Field, v any) (any, error) {
		s, ok := v.(string)
		if !ok {
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
	r.Register(t, "customers-value", sertest.Schema{Schema: customerSchema, SchemaType: "JSON", RuleSet: rs})
}

func TestRulesTransformTaggedFields(t *testing.T) {
	r := sertest.New(t)
	register(t, r, &rules.RuleSet{DomainRules: []rules.Rule{upper}})
	runner := caseRunner()
	c := r.Client()
	payload, err := newSerializer[customer](t, c, customerSchema, serde.UseLatest(), serde.Rules(runner), serde.Validate()).
		Serialize(ctx, "customers", newCustomer())
	if err != nil {
		t.Fatal(err)
	}
	plain, _, err := newDeserializer[customer](t, c).Deserialize(ctx, payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	nick := "AL"
	want := customer{ID: 1, Email: "AL@EXAMPLE.COM", Nick: &nick, Note: "keep me", Address: &address{Street: "1 MAIN ST", City: "lyon"},
		Phones: []string{"555-1"}, Contact: map[string]any{"phone": "555-2"}, Extra: map[string]string{"a": "X", "b": "y"}}
	if !reflect.DeepEqual(plain, want) {
		t.Fatalf("written %+v, want %+v", plain, want)
	}

	got, _, err := newDeserializer[customer](t, c, serde.Rules(runner)).Deserialize(serde.WithTopic(ctx, "customers"), payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Email != "read:AL@EXAMPLE.COM" || *got.Nick != "read:AL" || got.Address.Street != "read:1 MAIN ST" || got.Address.City != "lyon" ||
		got.Note != "keep me" || got.Phones[0] != "read:555-1" || got.Contact["phone"] != "read:555-2" || got.Extra["a"] != "read:X" || got.Extra["b"] != "y" {
		t.Fatalf("read %+v", got)
	}
	generic, err := jsonschema.NewGenericDeserializer(c, serde.Rules(runner))
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := generic.Deserialize(serde.WithTopic(ctx, "customers"), payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	if m["email"] != "read:AL@EXAMPLE.COM" || m["note"] != "keep me" || m["address"].(map[string]any)["street"] != "read:1 MAIN ST" ||
		m["phones"].([]any)[0] != "read:555-1" {
		t.Fatalf("generic read %#v", m)
	}
	calls := runner.Calls()
	if calls[0].Mode != rules.Write || calls[0].Subject != "customers-value" || calls[1].Mode != rules.Read || calls[1].Source == nil {
		t.Fatalf("calls %+v", calls)
	}
}

func TestRulesFieldNames(t *testing.T) {
	r := sertest.New(t)
	register(t, r, &rules.RuleSet{DomainRules: []rules.Rule{upper}})
	var seen []string
	runner := &sertest.FakeRunner{Field: func(_ *rules.Context, f rules.Field, v any) (any, error) {
		seen = append(seen, f.FullName+":"+string(f.Type)+":"+strings.Join(f.Tags, ","))
		return v, nil
	}}
	everything := func(_ *rules.Context, _ string, inline []string) ([]string, bool) { return inline, true }
	in := newCustomer()
	_, err := newSerializer[customer](t, r.Client(), customerSchema, serde.UseLatest(), serde.Rules(runner), serde.SelectFields(everything)).
		Serialize(ctx, "customers", in)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(seen)
	want := []string{"$.address.city:STRING:", "$.address.street:STRING:PII", "$.contact.phone:STRING:PII", "$.email:STRING:PII",
		"$.extra.a:STRING:PII", "$.extra.b:STRING:", "$.id:INT:", "$.nick:STRING:PII", "$.note:STRING:", "$.phones:STRING:PII"}
	if !slices.Equal(seen, want) {
		t.Fatalf("fields\n%q\nwant\n%q", seen, want)
	}
}

func TestRulesEncodingAndConditions(t *testing.T) {
	r := sertest.New(t)
	check := rules.Rule{Name: "noBad", Kind: rules.Condition, Mode: rules.Write, Type: "CHECK", Tags: []string{"PII"}}
	frame := rules.Rule{Name: "frame", Kind: rules.Transform, Mode: rules.WriteRead, Type: "FRAME"}
	register(t, r, &rules.RuleSet{DomainRules: []rules.Rule{check}, EncodingRules: []rules.Rule{frame}})
	runner := &sertest.FakeRunner{
		Field: func(_ *rules.Context, _ rules.Field, v any) (any, error) { return v != "bad@example.com", nil },
		Encoding: func(rc *rules.Context, b []byte) []byte {
			if rc.Mode == rules.Write {
				return append([]byte("<<"), b...)
			}
			return []byte(strings.TrimPrefix(string(b), "<<"))
		},
	}
	ser := newSerializer[customer](t, r.Client(), customerSchema, serde.UseLatest(), serde.Rules(runner))
	payload, err := ser.Serialize(ctx, "customers", newCustomer())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(payload[5:]), "<<{") {
		t.Fatalf("payload %q: the encoding rule did not run on the JSON text", payload)
	}
	got, _, err := newDeserializer[customer](t, r.Client(), serde.Rules(runner)).Deserialize(serde.WithTopic(ctx, "customers"), payload, nil)
	if err != nil || got.Email != "al@example.com" {
		t.Fatalf("read %+v, %v", got, err)
	}
	bad := newCustomer()
	bad.Email = "bad@example.com"
	_, err = ser.Serialize(ctx, "customers", bad)
	var ce *rules.ConditionError
	if !errors.As(err, &ce) || ce.Rule.Name != "noBad" || err.Error() != "Condition failed: 'noBad'" {
		t.Fatalf("a record failing the condition: %v", err)
	}
}
