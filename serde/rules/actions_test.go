package rules_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/serde/rules"
)

// A dead-letter queue is an Action the caller supplies under the name rules use for it: it
// sees the rule, the mode, the subject, the topic, the message the rule failed on and the
// cause; returning nil lets the record through, an error fails it.
func TestDLQAction(t *testing.T) {
	dlq := &recorder{name: "DLQ"}
	e, err := rules.NewEngine(testExecutors(), rules.WithActions(dlq))
	if err != nil {
		t.Fatal(err)
	}
	rs := domain(
		rule("a", rules.WriteRead),
		rule("check", rules.WriteRead, typ("FALSE"), kind(rules.Condition), doc("bad"), onFailure("DLQ,ERROR")),
		rule("b", rules.WriteRead),
	)
	got, err := e.Run(rcFor(rules.Write, rs), rules.Domain, "m")
	if err != nil || got != "m+a+b" {
		t.Fatalf("got %v, %v; want the record through", got, err)
	}
	want := []call{{Rule: "check", Subject: "orders-value", Topic: "orders", Mode: rules.Write, Msg: "m+a",
		Err: &rules.ConditionError{Rule: rs.DomainRules[1]}}}
	if diff := cmp.Diff(want, dlq.calls, cmp.Comparer(sameError)); diff != "" {
		t.Errorf("DLQ calls (-want +got):\n%s", diff)
	}

	dlq.calls, dlq.err = nil, errors.New("queue full")
	rs.DomainRules[1].OnFailure = "DLQ"
	if _, err := e.Run(rcFor(rules.Read, rs), rules.Domain, "m"); err == nil || err.Error() != "queue full" {
		t.Errorf("a failing DLQ: %v", err)
	}
	if len(dlq.calls) != 1 || dlq.calls[0].Mode != rules.Read || dlq.calls[0].Msg != "m+b" {
		t.Errorf("read DLQ calls %+v", dlq.calls)
	}
}

func sameError(a, b error) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Error() == b.Error())
}

// onSuccess actions get no error, and an error they return does not fail the record.
func TestSuccessAction(t *testing.T) {
	audit := &recorder{name: "AUDIT", err: errors.New("audit log down")}
	e, err := rules.NewEngine(testExecutors(), rules.WithActions(audit))
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Run(rcFor(rules.Write, domain(rule("a", rules.Write, onSuccess("AUDIT")))), rules.Domain, "m")
	if err != nil || got != "m+a" {
		t.Fatalf("got %v, %v", got, err)
	}
	if len(audit.calls) != 1 || audit.calls[0].Err != nil || audit.calls[0].Msg != "m+a" {
		t.Errorf("calls %+v", audit.calls)
	}
}

// Executors see the list as it runs (reversed on read) and their rule's place in it.
func TestContextOfEachRule(t *testing.T) {
	var seen []string
	spy := execFunc{"SPY", func(rc *rules.Context, msg any) (any, error) {
		seen = append(seen, rc.Rule.Name+"@"+string(rune('0'+rc.Index))+"/"+rc.Rules[0].Name)
		return msg, nil
	}}
	e, err := rules.NewEngine(rules.WithExecutors(spy))
	if err != nil {
		t.Fatal(err)
	}
	rs := domain(rule("a", rules.WriteRead, typ("SPY")), rule("b", rules.WriteRead, typ("SPY")))
	if _, err := e.Run(rcFor(rules.Read, rs), rules.Domain, "m"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"b@0/b", "a@1/b"}, seen); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if rs.DomainRules[0].Name != "a" {
		t.Error("the rule set was reordered in place")
	}
}

// Executors that want the client's rule configuration get it once; Close closes them.
func TestConfigureAndClose(t *testing.T) {
	x := &configured{execFunc: appender("KMS")}
	e, err := rules.NewEngine(rules.WithExecutors(x), rules.WithRuleConfig(map[string]string{"secret": "s"}))
	if err != nil {
		t.Fatal(err)
	}
	if x.config["secret"] != "s" {
		t.Errorf("config %v", x.config)
	}
	if err := e.Close(); err != nil || !x.closed {
		t.Errorf("close: %v, closed %v", err, x.closed)
	}
}

// A field rule on a serde that walks no fields fails like any other rule.
func TestFieldRuleWithoutWalker(t *testing.T) {
	e, err := rules.NewEngine(testExecutors())
	if err != nil {
		t.Fatal(err)
	}
	rc := rcFor(rules.Write, domain(rule("u", rules.Write, typ("UPPER"))))
	rc.Fields = nil
	_, err = e.Run(rc, rules.Domain, map[string]any{"name": "x"})
	if err == nil || err.Error() != "rule u failed: rules: rule u of type UPPER works on fields, and this serde walks none" {
		t.Errorf("error %v", err)
	}
}
