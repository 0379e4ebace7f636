package cel_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/rules/cel"
)

// order is a typed record as hamba/avro and encoding/json see it: schema names in tags.
type order struct {
	ID       int64     `avro:"id" json:"order_id"`
	Total    float64   `avro:"total" json:"amount"`
	Customer *customer `avro:"customer" json:"customer"`
	Lines    []line    `avro:"lines" json:"lines"`
	Note     *string   `avro:"note" json:"note"`
	internal int
}

type customer struct {
	Name  string `avro:"name" json:"name"`
	Email string `avro:"email" json:"email"`
}

type line struct {
	SKU string `avro:"sku" json:"sku"`
	Qty int32  `avro:"qty" json:"qty"`
}

func anOrder() *order {
	return &order{ID: 7, Total: 12.5, Customer: &customer{"ann", "ann@example.com"},
		Lines: []line{{"a-1", 2}, {"b-2", 1}}}
}

func newEngine(t testing.TB) *rules.Engine {
	t.Helper()
	x, err := cel.NewExecutor()
	if err != nil {
		t.Fatal(err)
	}
	fx, err := cel.NewFieldExecutor()
	if err != nil {
		t.Fatal(err)
	}
	e, err := rules.NewEngine(rules.WithExecutors(x, fx))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func rcFor(schemaType string, rs ...rules.Rule) *rules.Context {
	return &rules.Context{
		Context: context.Background(),
		Target:  &rules.SchemaInfo{SchemaType: schemaType, RuleSet: &rules.RuleSet{DomainRules: rs}},
		Subject: "orders-value", Topic: "orders", Mode: rules.Write,
		Fields: walkMap,
	}
}

func condition(expr string) rules.Rule {
	return rules.Rule{Name: "check", Kind: rules.Condition, Mode: rules.Write, Type: "CEL", Expr: expr}
}

func TestCELCondition(t *testing.T) {
	e := newEngine(t)
	record := map[string]any{"id": 7, "total": 12.5, "kind": "retail", "email": "ann@example.com",
		"customer": map[string]any{"name": "ann"}, "lines": []any{map[string]any{"sku": "a-1"}}}
	cases := []struct {
		name       string
		schemaType string
		msg        any
		expr       string
		pass       bool
	}{
		{"map: true", "AVRO", record, "message.total > 0", true},
		{"map: false", "AVRO", record, "message.total > 100", false},
		{"map: int against double", "AVRO", record, "message.id < 7.5", true},
		{"map: nested", "AVRO", record, "message.customer.name == 'ann' && message.lines[0].sku.startsWith('a')", true},
		{"map: has", "AVRO", record, "has(message.kind) && !has(message.nope)", true},
		{"json.Number", "JSON", map[string]any{"total": json.Number("12.5"), "n": json.Number("3")}, "message.total > 12 && message.n == 3", true},
		{"string checks", "AVRO", record, "message.email.isEmail() && !message.kind.isEmail()", true},
		{"avro struct", "AVRO", anOrder(), "message.total > 10.0 && message.id == 7", true},
		{"avro struct: nested pointer and slice", "AVRO", anOrder(),
			"message.customer.name == 'ann' && message.lines[1].sku == 'b-2' && message.lines.size() == 2", true},
		{"avro struct: has", "AVRO", anOrder(), "has(message.customer) && !has(message.note)", true},
		{"struct value, not pointer", "AVRO", *anOrder(), "message.lines[0].qty == 2", true},
		{"json struct uses json names", "JSON", anOrder(), "message.amount == 12.5 && message.order_id == 7", true},
		{"protobuf message", "PROTOBUF", &descriptorpb.FieldDescriptorProto{Name: proto.String("total"), Number: proto.Int32(3)},
			"message.name == 'total' && message.number == 3", true},
		{"guard false passes", "AVRO", record, "message.kind == 'wholesale' ; message.total > 100", true},
		{"guard true runs the rule", "AVRO", record, "message.kind == 'retail' ; message.total > 100", false},
		{"guard error passes", "AVRO", record, "message.nope == 1 ; false", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.Run(rcFor(c.schemaType, condition(c.expr)), rules.Domain, c.msg)
			if c.pass && err != nil {
				t.Fatalf("want pass, got %v", err)
			}
			if !c.pass && (err == nil || err.Error() != "rule check failed: Expr failed: '"+c.expr+"'") {
				t.Fatalf("want the condition error, got %v", err)
			}
		})
	}
}

func TestCELErrors(t *testing.T) {
	e := newEngine(t)
	for expr, want := range map[string]string{
		"message.total >":     "rule check failed: ERROR: <input>:1:16: Syntax error: mismatched input '<EOF>' expecting",
		"message.nope > 0":    "rule check failed: CEL expr message.nope > 0 failed: no such key: nope",
		"message.total * 2.0": "rule check failed: condition rule check returned float64, not a bool",
		"message.total > ''":  "rule check failed: CEL expr message.total > '' failed: no such overload",
	} {
		_, err := e.Run(rcFor("AVRO", condition(expr)), rules.Domain, map[string]any{"total": 1.5})
		if err == nil || len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
			t.Errorf("%s: error %v, want %q…", expr, err, want)
		}
	}
}

func TestCELTransform(t *testing.T) {
	e := newEngine(t)
	transform := func(expr string) rules.Rule {
		return rules.Rule{Name: "t", Kind: rules.Transform, Mode: rules.Write, Type: "CEL", Expr: expr}
	}
	record := map[string]any{"id": int64(7), "total": 12.5}
	cases := []struct {
		name string
		msg  any
		expr string
		want any
	}{
		{"new map", record, "{'id': message.id, 'total': message.total * 2.0}", map[string]any{"id": int64(7), "total": 25.0}},
		{"the message itself", anOrder(), "message", anOrder()},
		{"guard false gives the message back", record, "message.id == 8 ; {'x': 1}", record},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := e.Run(rcFor("AVRO", transform(c.expr)), rules.Domain, c.msg)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got, cmp.AllowUnexported(order{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// inline are the confluent:tags of the fake record's fields.
var inline = map[string][]string{"Rec.name": {"PII"}, "Rec.email": {"PII"}, "Rec.addr.city": {"LOC"}}

// walkMap is a FieldWalker over map[string]any records in the manner of the format
// packages: nested maps are records ("Rec.addr.city"), the other values primitives typed
// by their Go type.
func walkMap(rc *rules.Context, t rules.FieldTransform, msg any) (any, error) {
	return walkRecord(rc, t, "Rec", msg.(map[string]any))
}

func walkRecord(rc *rules.Context, t rules.FieldTransform, path string, in map[string]any) (any, error) {
	out := maps.Clone(in)
	for _, name := range slices.Sorted(maps.Keys(in)) {
		full := path + "." + name
		if sub, ok := in[name].(map[string]any); ok {
			v, err := walkRecord(rc, t, full, sub)
			if err != nil {
				return nil, err
			}
			out[name] = v
			continue
		}
		f := rules.Field{Containing: in, FullName: full, Name: name, Type: fieldType(in[name])}
		f.Tags = rules.FieldTags(rc, full, inline[full])
		if !rules.Selected(rc, f.Tags) {
			continue
		}
		v, err := t.TransformField(rc, f, in[name])
		if err != nil {
			return nil, err
		}
		out[name] = v
	}
	return out, nil
}

func fieldType(v any) rules.FieldType {
	switch v.(type) {
	case string:
		return rules.FieldString
	case int32:
		return rules.FieldInt
	case int64:
		return rules.FieldLong
	case float64:
		return rules.FieldDouble
	case bool:
		return rules.FieldBoolean
	case []any:
		return rules.FieldArray
	case nil:
		return rules.FieldNull
	}
	return rules.FieldBytes
}

func TestCELField(t *testing.T) {
	e := newEngine(t)
	record := func() map[string]any {
		return map[string]any{"name": "ann", "email": "a@x.io", "qty": int32(2), "big": int64(5), "nick": nil,
			"list": []any{"x"}, "addr": map[string]any{"city": "oslo", "zip": "0150"}}
	}
	with := func(changes map[string]any) map[string]any {
		r := record()
		for k, v := range changes {
			if sub, ok := v.(map[string]any); ok {
				v = maps.Clone(r[k].(map[string]any))
				maps.Copy(v.(map[string]any), sub)
			}
			r[k] = v
		}
		return r
	}
	cases := []struct {
		name    string
		rule    rules.Rule
		want    map[string]any
		wantErr string
	}{
		{"tagged strings", fieldRule(rules.Transform, "value + '-x'", "PII"),
			with(map[string]any{"name": "ann-x", "email": "a@x.io-x"}), ""},
		{"guard on name", fieldRule(rules.Transform, "name == 'name' ; value + '-x'"),
			with(map[string]any{"name": "ann-x"}), ""},
		{"guard on typeName, all fields", fieldRule(rules.Transform, "typeName == 'STRING' ; value + '-x'"),
			with(map[string]any{"name": "ann-x", "email": "a@x.io-x", "addr": map[string]any{"city": "oslo-x", "zip": "0150-x"}}), ""},
		{"ints keep their Go type", fieldRule(rules.Transform, "typeName == 'INT' || typeName == 'LONG' ; value * 10"),
			with(map[string]any{"qty": int32(20), "big": int64(50)}), ""},
		{"fullName and tags", fieldRule(rules.Transform, "fullName == 'Rec.addr.city' && 'LOC' in tags ; value.upperAscii()"),
			with(map[string]any{"addr": map[string]any{"city": "OSLO"}}), ""},
		{"message is the containing record", fieldRule(rules.Transform, "has(message.zip) && name == 'city' ; value + ' ' + message.zip"),
			with(map[string]any{"addr": map[string]any{"city": "oslo 0150"}}), ""},
		{"condition passes", fieldRule(rules.Condition, "value.size() > 1", "PII"), record(), ""},
		{"condition fails", fieldRule(rules.Condition, "value.contains('@')", "PII"), nil,
			"rule f failed: Expr failed: 'value.contains('@')'"},
		{"condition guarded", fieldRule(rules.Condition, "name == 'email' ; value.contains('@')", "PII"), record(), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := e.Run(rcFor("AVRO", c.rule), rules.Domain, record())
			if c.wantErr != "" {
				if err == nil || err.Error() != c.wantErr {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func fieldRule(k rules.Kind, expr string, tags ...string) rules.Rule {
	return rules.Rule{Name: "f", Kind: k, Mode: rules.Write, Type: "CEL_FIELD", Expr: expr, Tags: tags}
}

// One engine and its executors serve concurrent serializers (run with -race).
func TestConcurrentRuns(t *testing.T) {
	e := newEngine(t)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				rs := []rules.Rule{condition("message.total > 0"), fieldRule(rules.Transform, "value + '-x'", "PII")}
				msg := map[string]any{"total": float64(g*i + 1), "name": "ann"}
				if g%2 == 1 {
					rs[0].Expr = "message.customer.name == 'ann'"
					_, err := e.Run(rcFor("AVRO", rs[0]), rules.Domain, anOrder())
					if err != nil {
						t.Error(err)
					}
					continue
				}
				got, err := e.Run(rcFor("AVRO", rs...), rules.Domain, msg)
				if err != nil || got.(map[string]any)["name"] != "ann-x" {
					t.Error(got, err)
				}
			}
		})
	}
	wg.Wait()
}
