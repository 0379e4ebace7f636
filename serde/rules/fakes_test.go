package rules_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/accord-registry/accord/serde/rules"
)

// execFunc is an Executor made of a function.
type execFunc struct {
	typ string
	fn  func(rc *rules.Context, msg any) (any, error)
}

func (x execFunc) Type() string                                      { return x.typ }
func (x execFunc) Transform(rc *rules.Context, msg any) (any, error) { return x.fn(rc, msg) }

// appender is a TRANSFORM executor that appends the rule's name to a string message, so a
// test reads the order rules ran in from the result.
func appender(typ string) execFunc {
	return execFunc{typ, func(rc *rules.Context, msg any) (any, error) {
		return msg.(string) + "+" + rc.Rule.Name, nil
	}}
}

// constant is an executor that answers v (a verdict, nil, or anything) and err.
func constant(typ string, v any, err error) execFunc {
	return execFunc{typ, func(*rules.Context, any) (any, error) { return v, err }}
}

// fieldExec is a FieldExecutor whose transform is fn; its whole-message Transform walks
// the fields as the engine would.
type fieldExec struct {
	typ string
	fn  func(f rules.Field, v any) (any, error)
}

func (x fieldExec) Type() string { return x.typ }
func (x fieldExec) Transform(rc *rules.Context, msg any) (any, error) {
	return rules.WalkFields(rc, x, msg)
}
func (x fieldExec) NewFieldTransform(*rules.Context) (rules.FieldTransform, error) {
	return transformFunc(x.fn), nil
}

type transformFunc func(f rules.Field, v any) (any, error)

func (t transformFunc) TransformField(_ *rules.Context, f rules.Field, v any) (any, error) {
	return t(f, v)
}

func upperString(_ rules.Field, v any) (any, error) { return strings.ToUpper(v.(string)), nil }

// fakeRecord is the schema of the records the fake walker walks: a flat record "Rec" whose
// fields are strings, with these inline tags.
var fakeRecord = map[string][]string{"name": {"PII"}, "email": {"PII", "CONTACT"}, "city": nil}

// walkMap is a FieldWalker over flat map[string]any records of fakeRecord, in the manner
// of the format packages: it builds each field's tags with rules.FieldTags, asks
// rules.Selected, and stores what the transform returns in a copy of the record.
func walkMap(rc *rules.Context, t rules.FieldTransform, msg any) (any, error) {
	in := msg.(map[string]any)
	out := maps.Clone(in)
	for _, name := range slices.Sorted(maps.Keys(in)) {
		f := rules.Field{Containing: in, FullName: "Rec." + name, Name: name, Type: rules.FieldString}
		f.Tags = rules.FieldTags(rc, f.FullName, fakeRecord[name])
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

// call is what the recording action saw.
type call struct {
	Rule, Subject, Topic string
	Mode                 rules.Mode
	Msg                  any
	Err                  error
}

// recorder is an Action that records its calls and returns err, as a dead-letter queue
// would (it is how a caller plugs a DLQ in).
type recorder struct {
	name  string
	err   error
	calls []call
}

func (a *recorder) Type() string { return a.name }
func (a *recorder) Run(rc *rules.Context, msg any, err error) error {
	a.calls = append(a.calls, call{rc.Rule.Name, rc.Subject, rc.Topic, rc.Mode, msg, err})
	return a.err
}

// configured is an executor that keeps the rule configuration it was given and knows
// whether it was closed.
type configured struct {
	execFunc
	config map[string]string
	closed bool
}

func (c *configured) Configure(config map[string]string) error { c.config = config; return nil }
func (c *configured) Close() error                             { c.closed = true; return nil }

// rcFor is a context for one run over a target with this rule set.
func rcFor(mode rules.Mode, rs *rules.RuleSet) *rules.Context {
	return &rules.Context{
		Context: context.Background(),
		Target:  &rules.SchemaInfo{SchemaType: "AVRO", RuleSet: rs},
		Subject: "orders-value", Topic: "orders", Mode: mode,
		Fields: walkMap,
	}
}

var errBoom = errors.New("boom")
