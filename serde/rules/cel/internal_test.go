package cel

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/accord-registry/accord/serde/rules"
)

func TestStringChecks(t *testing.T) {
	cases := []struct {
		check, s string
		want     bool
	}{
		{"isEmail", "ann@example.com", true},
		{"isEmail", "Ann <ann@example.com>", false},
		{"isEmail", "ann@", false},
		{"isEmail", "ann@-example.com", false},
		{"isHostname", "example.com", true},
		{"isHostname", "example.com.", true},
		{"isHostname", "a..b", false},
		{"isHostname", "1.2.3.4", false},
		{"isHostname", "under_score.com", false},
		{"isIpv4", "10.0.0.1", true},
		{"isIpv4", "::1", false},
		{"isIpv6", "::1", true},
		{"isIpv6", "10.0.0.1", false},
		{"isUri", "https://example.com/x", true},
		{"isUri", "/relative", false},
		{"isUriRef", "/relative", true},
		{"isUriRef", "%zz", false},
		{"isUuid", "0f8fad5b-d9cb-469f-a165-70867728950e", true},
		{"isUuid", "0f8fad5b", false},
	}
	checks := stringChecks()
	for _, c := range cases {
		if got := checks[c.check](c.s); got != c.want {
			t.Errorf("%s(%q) = %v", c.check, c.s, got)
		}
	}
}

// The program cache stays within its bound, and is safe for concurrent use (run with
// -race).
func TestProgramCacheBound(t *testing.T) {
	x, err := NewExecutor(WithCacheSize(3))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				rc := &rules.Context{Context: context.Background(), Target: &rules.SchemaInfo{SchemaType: "AVRO"},
					Mode: rules.Write, Rule: rules.Rule{Kind: rules.Condition, Expr: fmt.Sprintf("message.n > %d", i%5)}}
				if _, err := x.Transform(rc, map[string]any{"n": g}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := x.ev.programs.Len(); n > 3 || n == 0 {
		t.Errorf("%d programs cached, bound 3", n)
	}
}

// A compile error is cached like a program, so a bad rule costs one compilation.
func TestCompileErrorCached(t *testing.T) {
	x, err := NewExecutor()
	if err != nil {
		t.Fatal(err)
	}
	rc := &rules.Context{Context: context.Background(), Target: &rules.SchemaInfo{SchemaType: "AVRO"},
		Rule: rules.Rule{Kind: rules.Condition, Expr: "message.n >"}}
	for range 2 {
		if _, err := x.Transform(rc, map[string]any{"n": 1}); err == nil {
			t.Fatal("no error")
		}
	}
	if n := x.ev.programs.Len(); n != 1 {
		t.Errorf("%d entries", n)
	}
}
