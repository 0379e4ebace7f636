package jsonata_test

import (
	"testing"

	"github.com/accord-registry/accord/serde/rules/jsonata"
)

// BenchmarkRename is the cost per record of the usual migration, a field renamed, once
// the expression is compiled.
func BenchmarkRename(b *testing.B) {
	x := jsonata.NewExecutor()
	c := rc(renameUp)
	msg := map[string]any{"name": "ann", "ssn": "123-45-6789", "age": float64(42), "email": "ann@example.com"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := x.Transform(c, msg); err != nil {
			b.Fatal(err)
		}
	}
}
