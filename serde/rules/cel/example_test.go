package cel_test

import (
	"context"
	"fmt"

	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/rules/cel"
)

// A CEL condition rejecting a record on write, with the rule's doc as the message.
func Example() {
	celx, err := cel.NewExecutor()
	if err != nil {
		panic(err)
	}
	engine, err := rules.NewEngine(rules.WithExecutors(celx))
	if err != nil {
		panic(err)
	}
	positive := rules.Rule{Name: "positive", Doc: "total must be positive", Kind: rules.Condition,
		Mode: rules.Write, Type: "CEL", Expr: "message.total > 0"}
	rc := &rules.Context{Context: context.Background(), Mode: rules.Write, Subject: "orders-value",
		Target: &rules.SchemaInfo{SchemaType: "AVRO", RuleSet: &rules.RuleSet{DomainRules: []rules.Rule{positive}}}}

	_, err = engine.Run(rc, rules.Domain, map[string]any{"total": 12.5})
	fmt.Println(err)
	_, err = engine.Run(rc, rules.Domain, map[string]any{"total": -1.0})
	fmt.Println(err)
	// Output:
	// <nil>
	// rule positive failed: total must be positive
}
