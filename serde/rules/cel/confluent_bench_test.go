package cel_test

import (
	"testing"

	ckschemaregistry "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	ckcel "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/cel"
	ckserde "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
)

// BenchmarkConfluentCELCondition runs the same condition on the same record with
// confluent-kafka-go's CEL executor, for comparison with BenchmarkCELCondition/executor/map.
func BenchmarkConfluentCELCondition(b *testing.B) {
	x := ckcel.NewExecutor()
	rule := &ckschemaregistry.Rule{Name: "check", Kind: "CONDITION", Mode: "WRITE", Type: "CEL", Expr: "message.total > 0"}
	target := &ckschemaregistry.SchemaInfo{Schema: `{"type":"record","name":"Order","fields":[]}`, SchemaType: "AVRO"}
	ctx := ckserde.RuleContext{Target: target, Subject: "orders-value", Topic: "orders", RuleMode: ckschemaregistry.Write, Rule: rule}
	generic := map[string]any{"id": int64(7), "total": 12.5, "customer": "ann"}
	b.ReportAllocs()
	for b.Loop() {
		v, err := x.Transform(ctx, generic)
		if err != nil || v != true {
			b.Fatal(v, err)
		}
	}
}
