package cel_test

import (
	"testing"

	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/rules/cel"
)

// BenchmarkCELCondition is the cost a CEL condition adds to a record: "message.total > 0"
// on a small record, through the engine (the way a serializer runs it) and straight on
// the executor; "no rules" is the engine with an empty rule set, the floor.
func BenchmarkCELCondition(b *testing.B) {
	e := newEngine(b)
	x, err := cel.NewExecutor()
	if err != nil {
		b.Fatal(err)
	}
	generic := map[string]any{"id": int64(7), "total": 12.5, "customer": "ann"}
	typed := anOrder()
	cases := []struct {
		name string
		run  func(*rules.Context) (any, error)
		rc   *rules.Context
	}{
		{"no rules", func(rc *rules.Context) (any, error) { return e.Run(rc, rules.Domain, generic) }, rcFor("AVRO")},
		{"engine/map", func(rc *rules.Context) (any, error) { return e.Run(rc, rules.Domain, generic) }, rcFor("AVRO", condition("message.total > 0"))},
		{"engine/struct", func(rc *rules.Context) (any, error) { return e.Run(rc, rules.Domain, typed) }, rcFor("AVRO", condition("message.total > 0"))},
		{"executor/map", func(rc *rules.Context) (any, error) { return x.Transform(rc, generic) }, ruleContext(condition("message.total > 0"))},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.run(c.rc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCELField is a CEL_FIELD transform on the two tagged fields of a small record.
func BenchmarkCELField(b *testing.B) {
	e := newEngine(b)
	rc := rcFor("AVRO", fieldRule(rules.Transform, "value + '-x'", "PII"))
	record := map[string]any{"name": "ann", "email": "a@x.io", "qty": int32(2)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Run(rc, rules.Domain, record); err != nil {
			b.Fatal(err)
		}
	}
}

func ruleContext(r rules.Rule) *rules.Context {
	rc := rcFor("AVRO", r)
	rc.Rule = r
	return rc
}
