package encryption

import (
	"testing"

	"github.com/accord-registry/accord/serde/rules"
	ck "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	ckserde "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
)

const benchValue = "alice@example.com"

type noopTransform struct{}

func (noopTransform) TransformField(_ *rules.Context, _ rules.Field, v any) (any, error) {
	return v, nil
}

// BenchmarkFieldNoop is the baseline: a field transform that returns its value.
func BenchmarkFieldNoop(b *testing.B) {
	rc := ruleContext(rules.Write, "s", localParams())
	var tr rules.FieldTransform = noopTransform{}
	f := rules.Field{Name: "email", Type: rules.FieldString}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tr.TransformField(rc, f, benchValue); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkField encrypts and decrypts one string field per operation, as the engine runs a
// rule on a message (a transform, then the field), with the KEK and DEK cached.
func BenchmarkField(b *testing.B) {
	for _, bc := range []struct{ name, alg, expiry string }{
		{"AES256_GCM", "AES256_GCM", ""},
		{"AES256_SIV", "AES256_SIV", ""},
		{"AES256_GCM-rotating", "AES256_GCM", "30"},
	} {
		_, reg := newFake(b)
		e := NewFieldExecutor(testConfig(reg, newClock(1_700_000_000_000)))
		params := localParams(ParamDEKAlgorithm, bc.alg)
		if bc.expiry != "" {
			params[ParamDEKExpiryDays] = bc.expiry
		}
		w, r := ruleContext(rules.Write, "s", params), ruleContext(rules.Read, "s", params)
		ct := field(b, e, w, rules.FieldString, benchValue)
		field(b, e, r, rules.FieldString, ct)
		b.Run(bc.name+"/encrypt", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := fieldErr(e, w, rules.FieldString, benchValue); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name+"/decrypt", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := fieldErr(e, r, rules.FieldString, ct); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkConfluentGoField is the same work done by confluent-kafka-go's executor.
func BenchmarkConfluentGoField(b *testing.B) {
	f, _ := newFake(b)
	clock := newClock(1_700_000_000_000)
	ex := newConfluentGoExecutor(b, f.url, clock)
	ctx := ckserde.RuleContext{Target: &ck.SchemaInfo{}, Subject: "s", RuleMode: ck.Write, Rule: &ck.Rule{Type: "ENCRYPT", Params: localParams()}}
	run := func(ctx ckserde.RuleContext, v any) any {
		tr, err := ex.NewTransform(ctx)
		if err != nil {
			b.Fatal(err)
		}
		out, err := tr.Transform(ctx, ckserde.TypeString, v)
		if err != nil {
			b.Fatal(err)
		}
		return out
	}
	ct := run(ctx, benchValue)
	read := ctx
	read.RuleMode = ck.Read
	run(read, ct)
	b.Run("AES256_GCM/encrypt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			run(ctx, benchValue)
		}
	})
	b.Run("AES256_GCM/decrypt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			run(read, ct)
		}
	})
}
