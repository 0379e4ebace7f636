package rules_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/serde/rules"
)

// rule is a rule of type APPEND (the appender executor) unless changed by the options.
func rule(name string, mode rules.Mode, opts ...func(*rules.Rule)) rules.Rule {
	r := rules.Rule{Name: name, Kind: rules.Transform, Mode: mode, Type: "APPEND"}
	for _, o := range opts {
		o(&r)
	}
	return r
}

func typ(t string) func(*rules.Rule)            { return func(r *rules.Rule) { r.Type = t } }
func kind(k rules.Kind) func(*rules.Rule)       { return func(r *rules.Rule) { r.Kind = k } }
func onFailure(a string) func(*rules.Rule)      { return func(r *rules.Rule) { r.OnFailure = a } }
func onSuccess(a string) func(*rules.Rule)      { return func(r *rules.Rule) { r.OnSuccess = a } }
func tags(t ...string) func(*rules.Rule)        { return func(r *rules.Rule) { r.Tags = t } }
func doc(d string) func(*rules.Rule)            { return func(r *rules.Rule) { r.Doc = d } }
func expr(e string) func(*rules.Rule)           { return func(r *rules.Rule) { r.Expr = e } }
func disabled(r *rules.Rule)                    { r.Disabled = true }
func ptr[T any](v T) *T                         { return &v }
func domain(rs ...rules.Rule) *rules.RuleSet    { return &rules.RuleSet{DomainRules: rs} }
func migration(rs ...rules.Rule) *rules.RuleSet { return &rules.RuleSet{MigrationRules: rs} }

type engineCase struct {
	name    string
	opts    []rules.Option // beyond the appender and the field upper-caser
	mode    rules.Mode
	phase   rules.Phase // Domain when zero
	target  *rules.RuleSet
	source  *rules.RuleSet // for Downgrade
	msg     any
	want    any
	wantErr string // the error's text; "" for none
}

var engineCases = []engineCase{
	// which list, in which order
	{name: "write runs domain rules in order", mode: rules.Write,
		target: domain(rule("a", rules.Write), rule("b", rules.WriteRead)), msg: "m", want: "m+a+b"},
	{name: "read runs domain rules last first", mode: rules.Read,
		target: domain(rule("a", rules.Read), rule("b", rules.WriteRead)), msg: "m", want: "m+b+a"},
	{name: "encoding phase runs encoding rules", mode: rules.Write, phase: rules.Encoding,
		target: &rules.RuleSet{DomainRules: []rules.Rule{rule("d", rules.Write)}, EncodingRules: []rules.Rule{rule("e", rules.Write)}},
		msg:    "m", want: "m+e"},
	{name: "read encoding rules last first", mode: rules.Read, phase: rules.Encoding,
		target: &rules.RuleSet{EncodingRules: []rules.Rule{rule("e1", rules.Read), rule("e2", rules.Read)}}, msg: "m", want: "m+e2+e1"},
	{name: "upgrade runs the target's migration rules", mode: rules.Upgrade, phase: rules.Migration,
		target: migration(rule("t1", rules.Upgrade), rule("t2", rules.UpDown)), source: migration(rule("s", rules.Upgrade)),
		msg: "m", want: "m+t1+t2"},
	{name: "downgrade runs the source's migration rules last first", mode: rules.Downgrade, phase: rules.Migration,
		target: migration(rule("t", rules.Downgrade)), source: migration(rule("s1", rules.Downgrade), rule("s2", rules.UpDown)),
		msg: "m", want: "m+s2+s1"},
	{name: "no rule set", mode: rules.Write, msg: "m", want: "m"},
	{name: "nil message is left alone", mode: rules.Write, target: domain(rule("a", rules.Write)), msg: nil, want: nil},
	{name: "upgrade outside the migration phase is a wiring error", mode: rules.Upgrade, phase: rules.Domain,
		target: migration(rule("a", rules.Upgrade)), msg: "m",
		wantErr: "rules: mode UPGRADE runs in the migration phase, not phase 1"},
	{name: "WRITEREAD is not a serde's mode", mode: rules.WriteRead, target: domain(rule("a", rules.Write)), msg: "m",
		wantErr: `rules: a serde runs in WRITE, READ, UPGRADE or DOWNGRADE, not "WRITEREAD"`},

	// modes
	{name: "write rule skipped on read", mode: rules.Read, target: domain(rule("w", rules.Write), rule("r", rules.Read)), msg: "m", want: "m+r"},
	{name: "WRITEREAD and UPDOWN", mode: rules.Upgrade, phase: rules.Migration,
		target: migration(rule("wr", rules.WriteRead), rule("ud", rules.UpDown), rule("dn", rules.Downgrade)), msg: "m", want: "m+ud"},
	{name: "missing mode and kind are WRITEREAD and TRANSFORM", mode: rules.Read,
		target: domain(rules.Rule{Name: "x", Type: "APPEND"}), msg: "m", want: "m+x"},

	// enableAt, disabled, overrides
	{name: "enableAt CLIENT runs", mode: rules.Write,
		target: &rules.RuleSet{EnableAt: "CLIENT", DomainRules: []rules.Rule{rule("a", rules.Write)}}, msg: "m", want: "m+a"},
	{name: "enableAt ALL runs", mode: rules.Write,
		target: &rules.RuleSet{EnableAt: "ALL", DomainRules: []rules.Rule{rule("a", rules.Write)}}, msg: "m", want: "m+a"},
	{name: "enableAt GATEWAY skips", mode: rules.Write,
		target: &rules.RuleSet{EnableAt: "GATEWAY", DomainRules: []rules.Rule{rule("a", rules.Write)}}, msg: "m", want: "m"},
	{name: "enableAt SERVER skips", mode: rules.Write,
		target: &rules.RuleSet{EnableAt: "SERVER", DomainRules: []rules.Rule{rule("a", rules.Write)}}, msg: "m", want: "m"},
	{name: "enableAt NONE skips", mode: rules.Write,
		target: &rules.RuleSet{EnableAt: "NONE", DomainRules: []rules.Rule{rule("a", rules.Write)}}, msg: "m", want: "m"},
	{name: "override enables before enableAt", mode: rules.Write,
		opts:   []rules.Option{rules.WithOverrides(rules.Override{Type: "append", Disabled: ptr(false)})},
		target: &rules.RuleSet{EnableAt: "NONE", DomainRules: []rules.Rule{rule("a", rules.Write, disabled)}}, msg: "m", want: "m+a"},
	{name: "disabled rule skipped", mode: rules.Write, target: domain(rule("a", rules.Write, disabled), rule("b", rules.Write)), msg: "m", want: "m+b"},
	{name: "override disables a type", mode: rules.Write,
		opts:   []rules.Option{rules.WithOverrides(rules.Override{Type: "APPEND", Disabled: ptr(true)})},
		target: domain(rule("a", rules.Write)), msg: "m", want: "m"},
	{name: "override replaces onFailure", mode: rules.Write,
		opts:   []rules.Option{rules.WithOverrides(rules.Override{Type: "NIL", OnFailure: ptr("NONE")})},
		target: domain(rule("n", rules.Write, typ("NIL")), rule("a", rules.Write)), msg: "m", want: "m+a"},

	// executors
	{name: "executor found by upper-cased type", mode: rules.Write, target: domain(rule("a", rules.Write, typ("append"))), msg: "m", want: "m+a"},
	{name: "missing executor fails with ERROR", mode: rules.Write, target: domain(rule("x", rules.Write, typ("NOPE"))), msg: "m",
		wantErr: "rule x failed: could not find rule executor of type NOPE"},
	{name: "missing executor with NONE stops the run", mode: rules.Write,
		target: domain(rule("a", rules.Write), rule("x", rules.Write, typ("NOPE"), onFailure("NONE")), rule("b", rules.Write)),
		msg:    "m", want: "m+a"},
	{name: "transform returning nil fails", mode: rules.Write, target: domain(rule("n", rules.Write, typ("NIL"))), msg: "m",
		wantErr: "rule n failed: rule returned no result"},
	{name: "executor error fails", mode: rules.Write, target: domain(rule("b", rules.Write, typ("BOOM"))), msg: "m",
		wantErr: "rule b failed: boom"},
	{name: "failure with NONE goes on with the message as it was", mode: rules.Write,
		target: domain(rule("a", rules.Write), rule("b", rules.Write, typ("BOOM"), onFailure("NONE")), rule("c", rules.Write)),
		msg:    "m", want: "m+a+c"},

	// conditions
	{name: "true condition keeps the message", mode: rules.Write,
		target: domain(rule("t", rules.Write, typ("TRUE"), kind(rules.Condition)), rule("a", rules.Write)), msg: "m", want: "m+a"},
	{name: "false condition: doc", mode: rules.Write, target: domain(rule("f", rules.Write, typ("FALSE"), kind(rules.Condition), doc("total must be positive"), expr("message.total > 0"))),
		msg: "m", wantErr: "rule f failed: total must be positive"},
	{name: "false condition: expr", mode: rules.Write, target: domain(rule("f", rules.Write, typ("FALSE"), kind(rules.Condition), expr("message.total > 0"))),
		msg: "m", wantErr: "rule f failed: Expr failed: 'message.total > 0'"},
	{name: "false condition: name", mode: rules.Write, target: domain(rule("f", rules.Write, typ("FALSE"), kind(rules.Condition))),
		msg: "m", wantErr: "rule f failed: Condition failed: 'f'"},
	{name: "false condition with NONE passes", mode: rules.Write,
		target: domain(rule("f", rules.Write, typ("FALSE"), kind(rules.Condition), onFailure("NONE")), rule("a", rules.Write)), msg: "m", want: "m+a"},
	{name: "a condition must answer a bool", mode: rules.Write, target: domain(rule("s", rules.Write, typ("APPEND"), kind(rules.Condition))),
		msg: "m", wantErr: "rule s failed: condition rule s returned string, not a bool"},

	// actions
	{name: "ERROR,NONE fails on write", mode: rules.Write, target: domain(rule("b", rules.WriteRead, typ("BOOM"), onFailure("ERROR,NONE"))),
		msg: "m", wantErr: "rule b failed: boom"},
	{name: "ERROR,NONE passes on read", mode: rules.Read, target: domain(rule("b", rules.WriteRead, typ("BOOM"), onFailure("ERROR,NONE"))),
		msg: "m", want: "m"},
	{name: "a pair on a one-mode rule is one unknown name", mode: rules.Write, target: domain(rule("b", rules.Write, typ("BOOM"), onFailure("ERROR,NONE"))),
		msg: "m", wantErr: "could not find rule action of type ERROR,NONE"},
	{name: "unknown failure action", mode: rules.Write, target: domain(rule("b", rules.Write, typ("BOOM"), onFailure("PAGER"))),
		msg: "m", wantErr: "could not find rule action of type PAGER"},
	{name: "unknown success action fails the rule", mode: rules.Write, target: domain(rule("a", rules.Write, onSuccess("PAGER"))),
		msg: "m", wantErr: "rule a failed: could not find rule action of type PAGER"},
	{name: "ERROR on success is ignored", mode: rules.Write, target: domain(rule("a", rules.Write, onSuccess("ERROR"))), msg: "m", want: "m+a"},

	// field rules
	{name: "field rule with tags transforms the tagged fields", mode: rules.Write,
		target: domain(rule("u", rules.Write, typ("UPPER"), tags("PII"))),
		msg:    map[string]any{"name": "ann", "email": "a@x", "city": "oslo"},
		want:   map[string]any{"name": "ANN", "email": "A@X", "city": "oslo"}},
	{name: "field rule without tags transforms every field", mode: rules.Write,
		target: domain(rule("u", rules.Write, typ("UPPER"))),
		msg:    map[string]any{"name": "ann", "city": "oslo"},
		want:   map[string]any{"name": "ANN", "city": "OSLO"}},
	{name: "field condition false", mode: rules.Write,
		target: domain(rule("c", rules.Write, typ("NOT_EMPTY"), kind(rules.Condition), tags("CONTACT"))),
		msg:    map[string]any{"name": "", "email": ""}, wantErr: "rule c failed: Condition failed: 'c'"},
	{name: "field condition true keeps the values", mode: rules.Write,
		target: domain(rule("c", rules.Write, typ("NOT_EMPTY"), kind(rules.Condition), tags("CONTACT"))),
		msg:    map[string]any{"name": "", "email": "e"}, want: map[string]any{"name": "", "email": "e"}},
	{name: "duplicate tagged transform suppressed on write", mode: rules.Write,
		target: domain(rule("u1", rules.WriteRead, typ("SUFFIX"), tags("PII")), rule("u2", rules.WriteRead, typ("SUFFIX"), tags("PII"))),
		msg:    map[string]any{"name": "ann"}, want: map[string]any{"name": "ann.u1"}},
	{name: "duplicate tagged transform suppressed on read keeps the last to run", mode: rules.Read,
		target: domain(rule("u1", rules.WriteRead, typ("SUFFIX"), tags("PII")), rule("u2", rules.WriteRead, typ("SUFFIX"), tags("PII"))),
		msg:    map[string]any{"name": "ann"}, want: map[string]any{"name": "ann.u1"}},
	{name: "different tags are not duplicates", mode: rules.Write,
		target: domain(rule("u1", rules.Write, typ("SUFFIX"), tags("PII")), rule("u2", rules.Write, typ("SUFFIX"), tags("CONTACT"))),
		msg:    map[string]any{"email": "e"}, want: map[string]any{"email": "e.u1.u2"}},
	{name: "untagged transforms are never duplicates", mode: rules.Write,
		target: domain(rule("u1", rules.Write, typ("SUFFIX")), rule("u2", rules.Write, typ("SUFFIX"))),
		msg:    map[string]any{"city": "c"}, want: map[string]any{"city": "c.u1.u2"}},
}

// suffix is a field executor appending the rule's name to each selected field.
type suffix struct{ fieldExec }

func (suffix) NewFieldTransform(rc *rules.Context) (rules.FieldTransform, error) {
	name := rc.Rule.Name
	return transformFunc(func(_ rules.Field, v any) (any, error) { return v.(string) + "." + name, nil }), nil
}

func testExecutors() rules.Option {
	return rules.WithExecutors(
		appender("APPEND"),
		constant("NIL", nil, nil),
		constant("BOOM", nil, errBoom),
		constant("TRUE", true, nil),
		constant("FALSE", false, nil),
		fieldExec{"UPPER", upperString},
		fieldExec{"NOT_EMPTY", func(_ rules.Field, v any) (any, error) { return v.(string) != "", nil }},
		suffix{fieldExec{typ: "SUFFIX"}},
	)
}

func TestEngine(t *testing.T) {
	for _, tc := range engineCases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := rules.NewEngine(append([]rules.Option{testExecutors()}, tc.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			rc := rcFor(tc.mode, tc.target)
			if tc.source != nil {
				rc.Source = &rules.SchemaInfo{RuleSet: tc.source}
			}
			phase := tc.phase
			if phase == 0 {
				phase = rules.Domain
			}
			got, err := e.Run(rc, phase, tc.msg)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
		})
	}
}

// The errors a caller can take apart: the ERROR action's *rules.Error names the rule, and
// unwraps to the condition's *rules.ConditionError or to the executor's own error.
func TestEngineErrorsUnwrap(t *testing.T) {
	e, err := rules.NewEngine(testExecutors())
	if err != nil {
		t.Fatal(err)
	}
	cond := rule("c", rules.Write, typ("FALSE"), kind(rules.Condition), doc("no"))
	_, err = e.Run(rcFor(rules.Write, domain(cond)), rules.Domain, "m")
	var re *rules.Error
	var ce *rules.ConditionError
	if !errors.As(err, &re) || re.Rule != "c" || re.Mode != rules.Write || !errors.As(err, &ce) || ce.Rule.Name != "c" {
		t.Errorf("condition: %#v", err)
	}
	_, err = e.Run(rcFor(rules.Write, domain(rule("b", rules.Write, typ("BOOM")))), rules.Domain, "m")
	if !errors.Is(err, errBoom) || errors.As(err, &ce) {
		t.Errorf("executor error: %#v", err)
	}
	_, err = e.Run(rcFor(rules.Write, domain(rule("x", rules.Write, typ("NOPE")))), rules.Domain, "m")
	if !errors.Is(err, rules.ErrNoExecutor) {
		t.Errorf("missing executor: %#v", err)
	}
	_, err = e.Run(rcFor(rules.Write, domain(rule("b", rules.Write, typ("BOOM"), onFailure("PAGER")))), rules.Domain, "m")
	if !errors.Is(err, rules.ErrNoAction) {
		t.Errorf("missing action: %#v", err)
	}
}
