package avro_test

import (
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
)

// TestGoldenAvro runs testdata/compatibility/*.txtar. Each case holds schema versions
// v1.avsc, v2.avsc, ... (the last one is the new schema, the others its
// previous versions, oldest first), optional ref*.avsc dependencies shared
// by all versions, and a want section with the verdict and messages for
// every level.
func TestGoldenAvro(t *testing.T) {
	compattest.EachGolden(t, "compatibility", func(t *testing.T, file string, ar *txtar.Archive) {
		next, prev := compattest.Versions(t, ar, compat.TypeAvro, "avsc", goldenDeps(ar))
		var b strings.Builder
		compattest.WriteLevelResults(&b, next, prev, compat.CheckOptions{})
		compattest.CheckGolden(t, file, ar, "want", b.String())
	})
}

func goldenDeps(ar *txtar.Archive) []compat.Dependency {
	var deps []compat.Dependency
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "ref") && strings.HasSuffix(f.Name, ".avsc") {
			deps = append(deps, compat.Dependency{Name: f.Name, Type: compat.TypeAvro, Schema: strings.TrimSpace(string(f.Data))})
		}
	}
	return deps
}
