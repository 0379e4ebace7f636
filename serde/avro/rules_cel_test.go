package avro_test

import (
	"errors"
	"testing"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/rules/cel"
	"github.com/accord-registry/accord/serde/sertest"
)

// TestRulesWithTheEngine: the real engine and CEL executors, not a fake, through an Avro
// serializer and deserializer against a real registry: a CEL condition rejects a record on
// write, a CEL_FIELD transform changes the tagged fields it selects, and the deserializer
// runs the read rules.
func TestRulesWithTheEngine(t *testing.T) {
	celx, err := cel.NewExecutor()
	if err != nil {
		t.Fatal(err)
	}
	celField, err := cel.NewFieldExecutor()
	if err != nil {
		t.Fatal(err)
	}
	engine, err := rules.NewEngine(rules.WithExecutors(celx, celField))
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close()

	r := sertest.New(t)
	register(t, r, &rules.RuleSet{DomainRules: []rules.Rule{
		{Name: "positiveId", Kind: rules.Condition, Mode: rules.Write, Type: "CEL", Expr: "message.id > 0", Doc: "id must be positive"},
		{Name: "maskPII", Kind: rules.Transform, Mode: rules.Write, Type: "CEL_FIELD", Tags: []string{"PII"},
			Expr: "typeName == 'STRING' ; value + '!'"},
		{Name: "readMark", Kind: rules.Transform, Mode: rules.Read, Type: "CEL_FIELD", Tags: []string{"PII"},
			Expr: "name == 'email' ; 'read:' + value"},
	}})
	ser := mustSerializer[customer](t, r.Client(), customerSchema, serde.UseLatest(), serde.Rules(engine))
	de := mustDeserializer[customer](t, r.Client(), customerSchema, serde.Rules(engine))

	payload, err := ser.Serialize(ctx, "customers", newCustomer())
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := de.Deserialize(serde.WithTopic(ctx, "customers"), payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Email != "read:al@example.com!" || *got.Nick != "al!" || got.Address.Street != "1 main st!" || got.Note != "keep me" || got.Address.City != "lyon" {
		t.Errorf("read back %+v (nick %q): want the PII strings marked on write and the email on read, the rest untouched", got, *got.Nick)
	}

	bad := newCustomer()
	bad.ID = -1
	_, err = ser.Serialize(ctx, "customers", bad)
	var ce *rules.ConditionError
	if !errors.As(err, &ce) || ce.Rule.Name != "positiveId" {
		t.Fatalf("Serialize of a record failing the condition: %v, want the rule's *rules.ConditionError", err)
	}
}
