package avro

import (
	"context"
	"slices"
	"strings"
	"testing"

	hamba "github.com/hamba/avro/v2"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/rules"
)

// The walker alone, over the shapes of Avro values: nested records, arrays, maps, unions
// (as values and in hamba/avro's map form), records held by value and by pointer, and a
// recursive type.

const walkSchema = `{"type":"record","name":"Node","namespace":"t","fields":[
	{"name":"name","type":"string","confluent:tags":["PII"]},
	{"name":"count","type":"int"},
	{"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B"]},"confluent:tags":["PII"]},
	{"name":"either","type":["null","string",{"type":"record","name":"Leaf","fields":[{"name":"v","type":"string","confluent:tags":["PII"]}]}]},
	{"name":"leaves","type":{"type":"array","items":"Leaf"}},
	{"name":"byKey","type":{"type":"map","values":"Leaf"}},
	{"name":"next","type":["null","Node"],"default":null}]}`

type leaf struct {
	V string `avro:"v"`
}

type node struct {
	Name   string          `avro:"name"`
	Count  int32           `avro:"count"`
	Kind   string          `avro:"kind"`
	Either any             `avro:"either"`
	Leaves []leaf          `avro:"leaves"`
	ByKey  map[string]leaf `avro:"byKey"`
	Next   *node           `avro:"next"`
}

type upperAll struct{ seen []string }

func (u *upperAll) TransformField(_ *rules.Context, f rules.Field, v any) (any, error) {
	u.seen = append(u.seen, f.FullName+":"+string(f.Type)+":"+strings.Join(f.Tags, ","))
	if s, ok := v.(string); ok {
		return strings.ToUpper(s), nil
	}
	return v, nil
}

func walkOnce(t *testing.T, msg any) (any, []string) {
	t.Helper()
	schema, err := hamba.ParseWithCache(walkSchema, "", &hamba.SchemaCache{})
	if err != nil {
		t.Fatal(err)
	}
	everything := func(_ *rules.Context, _ string, inline []string) ([]string, bool) { return inline, true }
	u := &upperAll{}
	rc := &rules.Context{Context: context.Background(), Mode: rules.Write, Rule: rules.Rule{Name: "u", Kind: rules.Transform}}
	out, err := fieldWalker(schema, everything)(rc, u, msg)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(u.seen)
	return out, u.seen
}

func TestFieldWalkerTyped(t *testing.T) {
	in := node{Name: "a", Count: 1, Kind: "A", Either: "e", Leaves: []leaf{{V: "l"}}, ByKey: map[string]leaf{"k": {V: "m"}},
		Next: &node{Name: "b", Either: leaf{V: "n"}}}
	out, seen := walkOnce(t, in)
	got := out.(node)
	if got.Name != "A" || got.Either != "E" || got.Leaves[0].V != "L" || got.ByKey["k"].V != "M" || got.Next.Name != "B" ||
		got.Next.Either.(leaf).V != "N" || got.Count != 1 {
		t.Fatalf("walked %+v (next %+v)", got, got.Next)
	}
	if in.Name != "a" {
		t.Fatal("a struct passed by value was changed in place")
	}
	want := []string{"t.Leaf.v:STRING:PII", "t.Leaf.v:STRING:PII", "t.Leaf.v:STRING:PII", "t.Node.count:INT:", "t.Node.count:INT:",
		"t.Node.either:STRING:", "t.Node.kind:ENUM:PII", "t.Node.kind:ENUM:PII", "t.Node.name:STRING:PII", "t.Node.name:STRING:PII"}
	if !slices.Equal(seen, want) {
		t.Fatalf("fields\n%q\nwant\n%q", seen, want)
	}
}

func TestFieldWalkerGeneric(t *testing.T) {
	in := map[string]any{"name": "a", "count": int32(1), "kind": "B",
		"either": map[string]any{"t.Leaf": map[string]any{"v": "u"}},
		"leaves": []any{map[string]any{"v": "l"}}, "byKey": map[string]any{"k": map[string]any{"v": "m"}},
		"next": map[string]any{"t.Node": map[string]any{"name": "b", "count": int32(2), "kind": "A", "either": nil,
			"leaves": []any{}, "byKey": map[string]any{}, "next": nil}}}
	out, seen := walkOnce(t, in)
	got := out.(map[string]any)
	if got["name"] != "A" || got["either"].(map[string]any)["t.Leaf"].(map[string]any)["v"] != "U" ||
		got["leaves"].([]any)[0].(map[string]any)["v"] != "L" || got["byKey"].(map[string]any)["k"].(map[string]any)["v"] != "M" ||
		got["next"].(map[string]any)["t.Node"].(map[string]any)["name"] != "B" {
		t.Fatalf("walked %#v", got)
	}
	want := []string{"t.Leaf.v:STRING:PII", "t.Leaf.v:STRING:PII", "t.Leaf.v:STRING:PII", "t.Node.count:INT:", "t.Node.count:INT:",
		"t.Node.kind:ENUM:PII", "t.Node.kind:ENUM:PII", "t.Node.name:STRING:PII", "t.Node.name:STRING:PII"}
	if !slices.Equal(seen, want) {
		t.Fatalf("fields\n%q\nwant\n%q", seen, want)
	}
}

// TestFieldWalkerCondition: run as the engine runs a field condition, the walk changes
// nothing, and a false verdict is the rule's *rules.ConditionError.
func TestFieldWalkerCondition(t *testing.T) {
	schema, err := hamba.ParseWithCache(walkSchema, "", &hamba.SchemaCache{})
	if err != nil {
		t.Fatal(err)
	}
	rc := &rules.Context{Context: context.Background(), Mode: rules.Write, Rule: rules.Rule{Name: "c", Kind: rules.Condition, Tags: []string{"PII"}}}
	check := fieldFunc(func(_ *rules.Context, _ rules.Field, v any) (any, error) { return v != "bad", nil })
	walker := fieldWalker(schema, serde.DefaultFieldSelector)
	in := &node{Name: "ok", Kind: "A", Leaves: []leaf{{V: "fine"}}}
	rc.Fields = walker
	if out, err := rules.WalkFields(rc, check, in); err != nil || out.(*node).Name != "ok" || out.(*node).Leaves[0].V != "fine" {
		t.Fatalf("a record meeting the condition: %v, %v", out, err)
	}
	in.Leaves[0].V = "bad"
	_, err = rules.WalkFields(rc, check, in)
	if ce, ok := err.(*rules.ConditionError); !ok || ce.Rule.Name != "c" {
		t.Fatalf("a record failing the condition: %v", err)
	}
}

type fieldFunc func(rc *rules.Context, f rules.Field, v any) (any, error)

func (fn fieldFunc) Type() string { return "FUNC" }

func (fn fieldFunc) Transform(rc *rules.Context, msg any) (any, error) {
	return rules.WalkFields(rc, fn, msg)
}

func (fn fieldFunc) NewFieldTransform(*rules.Context) (rules.FieldTransform, error) { return fn, nil }

func (fn fieldFunc) TransformField(rc *rules.Context, f rules.Field, v any) (any, error) {
	return fn(rc, f, v)
}
