package avro_test

import (
	"context"
	"strings"
	"testing"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/sertest"
)

// What running rules costs beyond the codec: the benchmark record with its email tagged and
// one field-level rule whose transform returns the value unchanged, so that what is measured
// is the walk (reflection over the 20 fields, the selection, the context), not a rule.
//
//	go test -run '^$' -bench '^BenchmarkFieldRule' -benchmem ./serde/avro

// identityRunner runs every domain rule of the target through the walker with a transform
// that changes nothing.
type identityRunner struct{}

func (identityRunner) Run(rc *rules.Context, phase rules.Phase, msg any) (any, error) {
	if phase != rules.Domain {
		return msg, nil
	}
	for i, rule := range rc.Target.RuleSet.DomainRules {
		rc.Rule, rc.Index = rule, i
		var err error
		if msg, err = rc.Fields(rc, identity{}, msg); err != nil {
			return nil, err
		}
	}
	return msg, nil
}

type identity struct{}

func (identity) TransformField(_ *rules.Context, _ rules.Field, v any) (any, error) { return v, nil }

func benchRules(b *testing.B) *sertest.Registry {
	r := sertest.New(b)
	tagged := strings.Replace(benchSchema, `{"name":"email","type":"string"}`, `{"name":"email","type":"string","confluent:tags":["PII"]}`, 1)
	r.Register(b, "orders-value", sertest.Schema{Schema: tagged, RuleSet: &rules.RuleSet{DomainRules: []rules.Rule{
		{Name: "noop", Kind: rules.Transform, Mode: rules.WriteRead, Type: "NOOP", Tags: []string{"PII"}}}}})
	return r
}

func BenchmarkFieldRuleSerialize(b *testing.B) {
	r := benchRules(b)
	ctx := context.Background()
	v := benchValue()
	ser, err := avro.NewSerializer[benchOrder](r.Client(), benchSchema, serde.UseLatest(), serde.Rules(identityRunner{}))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := ser.Serialize(ctx, "orders", v); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ser.Serialize(ctx, "orders", v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFieldRuleDeserialize(b *testing.B) {
	r := benchRules(b)
	ctx := serde.WithTopic(context.Background(), "orders")
	ser, err := avro.NewSerializer[benchOrder](r.Client(), benchSchema, serde.UseLatest())
	if err != nil {
		b.Fatal(err)
	}
	payload, err := ser.Serialize(ctx, "orders", benchValue())
	if err != nil {
		b.Fatal(err)
	}
	de, err := avro.NewDeserializer[benchOrder](r.Client(), benchSchema, serde.Rules(identityRunner{}))
	if err != nil {
		b.Fatal(err)
	}
	var out benchOrder
	if _, err := de.DeserializeInto(ctx, payload, nil, &out); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := de.DeserializeInto(ctx, payload, nil, &out); err != nil {
			b.Fatal(err)
		}
	}
}
