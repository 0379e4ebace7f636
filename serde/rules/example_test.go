package rules_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/accord-registry/accord/serde/rules"
)

// deadLetters is a dead-letter-queue action: a real one would produce the record to the
// rule's dlq.topic with the rule's name, mode, subject and topic in headers.
type deadLetters struct{}

func (deadLetters) Type() string { return "DLQ" }

func (deadLetters) Run(rc *rules.Context, msg any, err error) error {
	fmt.Printf("to the DLQ: %v (rule %s, %s, subject %s, topic %s): %v\n", msg, rc.Rule.Name, rc.Mode, rc.Subject, rc.Topic, err)
	return nil // the record goes on; return an error to fail it
}

// A caller-supplied action takes a failed record aside on write, while reads let it
// through ("DLQ,NONE").
func ExampleWithActions() {
	refuse := rules.Rule{Name: "refuse", Kind: rules.Condition, Mode: rules.WriteRead, Type: "NO", OnFailure: "DLQ,NONE"}
	no := constant("NO", false, nil)
	engine, err := rules.NewEngine(rules.WithExecutors(no), rules.WithActions(deadLetters{}))
	if err != nil {
		panic(err)
	}
	rc := &rules.Context{Context: context.Background(), Mode: rules.Write, Subject: "orders-value", Topic: "orders",
		Target: &rules.SchemaInfo{RuleSet: &rules.RuleSet{DomainRules: []rules.Rule{refuse}}}}
	msg, err := engine.Run(rc, rules.Domain, "order 7")
	fmt.Println(msg, err, errors.Is(err, rules.ErrNoAction))
	// Output:
	// to the DLQ: order 7 (rule refuse, WRITE, subject orders-value, topic orders): Condition failed: 'refuse'
	// order 7 <nil> false
}
