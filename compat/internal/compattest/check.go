package compattest

import (
	"context"
	"fmt"
	"testing"

	"github.com/accord-registry/accord/compat"
)

// Checked is Check without a deadline, for tests whose schemas are well within the budget: a
// comparison that stops early is a bug there.
func Checked(next *compat.Schema, previous []compat.Previous, opts compat.CheckOptions) compat.Result {
	res, err := compat.Check(context.Background(), next, previous, opts)
	if err != nil {
		panic(fmt.Sprintf("Check stopped early: %v", err))
	}
	return res
}

// MustParse parses text as a schema of type typ without dependencies, failing the test on an
// error.
func MustParse(t testing.TB, typ compat.SchemaType, text string, opts compat.ParseOptions) *compat.Schema {
	t.Helper()
	s, err := compat.Parse(typ, text, nil, opts)
	if err != nil {
		t.Fatalf("Parse(%s) = %v", text, err)
	}
	return s
}
