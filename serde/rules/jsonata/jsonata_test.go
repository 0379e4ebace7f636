package jsonata_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/rules/jsonata"
)

// The migration Confluent's documentation and client tests use: ssn renamed to
// socialSecurityNumber in the new major version, and back.
const (
	renameUp   = `$merge([$sift($, function($v, $k) {$k != 'ssn'}), {'socialSecurityNumber': $.'ssn'}])`
	renameDown = `$merge([$sift($, function($v, $k) {$k != 'socialSecurityNumber'}), {'ssn': $.'socialSecurityNumber'}])`
)

func rc(expr string) *rules.Context {
	return &rules.Context{Context: context.Background(), Mode: rules.Upgrade,
		Rule: rules.Rule{Name: "m", Kind: rules.Transform, Mode: rules.UpDown, Type: "JSONATA", Expr: expr}}
}

func TestTransformRenamesAFieldBothWays(t *testing.T) {
	x := jsonata.NewExecutor()
	v1 := map[string]any{"name": "ann", "ssn": "123-45-6789", "age": float64(42), "tags": []any{"a"}}
	v2, err := x.Transform(rc(renameUp), clone(v1))
	if err != nil {
		t.Fatal(err)
	}
	want2 := map[string]any{"name": "ann", "socialSecurityNumber": "123-45-6789", "age": float64(42), "tags": []any{"a"}}
	if d := cmp.Diff(want2, v2); d != "" {
		t.Fatalf("upgrade (-want +got):\n%s", d)
	}
	back, err := x.Transform(rc(renameDown), v2)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(v1, back); d != "" {
		t.Fatalf("downgrade (-want +got):\n%s", d)
	}
}

func TestTransformComputesNewShapes(t *testing.T) {
	x := jsonata.NewExecutor()
	in := map[string]any{"first": "Ann", "last": "Lee", "lines": []any{
		map[string]any{"qty": float64(2), "price": 1.5}, map[string]any{"qty": float64(1), "price": float64(4)}}}
	got, err := x.Transform(rc(`{"name": first & " " & last, "total": $sum(lines.(qty * price))}`), in)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]any{"name": "Ann Lee", "total": float64(7)}, got); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
}

func TestTransformErrors(t *testing.T) {
	x := jsonata.NewExecutor()
	msg := map[string]any{"a": float64(1)}
	for name, tc := range map[string]struct {
		expr string
		want string
		is   error
	}{
		"syntax error":     {expr: `$merge([`, want: "jsonata:"},
		"no expression":    {expr: ``, want: "no expression"},
		"undefined result": {expr: `$.missing`, is: jsonata.ErrUndefined},
		"evaluation error": {expr: `$.a + "x"`, want: "jsonata:"},
		"unknown function": {expr: `$nosuch($)`, want: "jsonata:"},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := x.Transform(rc(tc.expr), msg)
			if err == nil {
				t.Fatalf("no error, result %v", out)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Fatalf("error %v is not %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

// A syntax error reaches the rule's failure action: with the default ERROR the engine
// returns a *rules.Error that names the rule; with NONE the message passes unchanged.
func TestSyntaxErrorFailsTheRuleThroughTheEngine(t *testing.T) {
	e, err := rules.NewEngine(rules.WithExecutors(jsonata.NewExecutor()))
	if err != nil {
		t.Fatal(err)
	}
	bad := rules.Rule{Name: "broken", Kind: rules.Transform, Mode: rules.Upgrade, Type: "JSONATA", Expr: `{"a": `}
	target := &rules.SchemaInfo{RuleSet: &rules.RuleSet{MigrationRules: []rules.Rule{bad}}}
	msg := map[string]any{"a": "b"}
	_, err = e.Run(&rules.Context{Context: context.Background(), Target: target, Mode: rules.Upgrade}, rules.Migration, msg)
	var re *rules.Error
	if !errors.As(err, &re) || re.Rule != "broken" {
		t.Fatalf("error %v, want a *rules.Error for rule broken", err)
	}
	bad.OnFailure = "NONE"
	target.RuleSet.MigrationRules[0] = bad
	out, err := e.Run(&rules.Context{Context: context.Background(), Target: target, Mode: rules.Upgrade}, rules.Migration, msg)
	if err != nil || !cmp.Equal(out, msg) {
		t.Fatalf("with onFailure NONE: %v, %v; want the message unchanged", out, err)
	}
}

func TestCacheIsBoundedAndSafeForConcurrentUse(t *testing.T) {
	x := jsonata.NewExecutor(jsonata.WithCacheSize(2))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				expr := []string{`$.a`, `$.a + 1`, `$.a * 2`}[(g+i)%3]
				if _, err := x.Transform(rc(expr), map[string]any{"a": float64(i)}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := jsonata.CachedExpressions(x); n > 2 {
		t.Fatalf("%d expressions cached, bound 2", n)
	}
}

func TestResultIsAJSONTree(t *testing.T) {
	x := jsonata.NewExecutor()
	in := map[string]any{"m": map[string]string{"k": "v"}, "s": []string{"x", "y"}, "b": []byte("raw")}
	got, err := x.Transform(rc(`$`), in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"m": map[string]any{"k": "v"}, "s": []any{"x", "y"}, "b": []byte("raw")}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
}

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
