package avro_test

import (
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
)

// TestGoldenCanonical runs testdata/canonical/*.txtar: an input.avsc with
// optional ref*.avsc dependencies, and the expected canonical, resolved and
// normalized texts (or the parse error) for a stored schema (lenient) and a
// new one (strict). The expected texts were checked against Avro Java
// 1.12.1 and Confluent's normaliser.
func TestGoldenCanonical(t *testing.T) {
	compattest.EachGolden(t, "canonical", func(t *testing.T, file string, ar *txtar.Archive) {
		input, ok := compattest.Section(ar, "input.avsc")
		if !ok {
			t.Fatal("no input.avsc")
		}
		deps := goldenDeps(ar)
		var b strings.Builder
		for _, mode := range []struct {
			name string
			opts compat.ParseOptions
		}{{"stored", compat.ParseOptions{}}, {"new", compat.ParseOptions{New: true}}} {
			b.WriteString(renderParse(mode.name, input, deps, mode.opts))
		}
		compattest.CheckGolden(t, file, ar, "want", b.String())
	})
}

func renderParse(mode, input string, deps []compat.Dependency, opts compat.ParseOptions) string {
	s, err := compat.Parse(compat.TypeAvro, input, deps, opts)
	if err != nil {
		return mode + " error: " + err.Error() + "\n"
	}
	out := mode + " canonical: " + s.Canonical() + "\n" + mode + " resolved: " + resolved(s) + "\n"
	opts.Normalize = true
	n, err := compat.Parse(compat.TypeAvro, input, deps, opts)
	if err != nil {
		return out + mode + " normalized error: " + err.Error() + "\n"
	}
	return out + mode + " normalized: " + n.Canonical() + "\n"
}
