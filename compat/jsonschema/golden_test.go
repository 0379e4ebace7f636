package jsonschema_test

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
	"github.com/accord-registry/accord/compat/jsonschema"
)

// TestGoldenJSONSchema runs testdata/compatibility/*.txtar. Each case holds schema versions
// v1.json, v2.json, ... (the last one is the new schema, the others its previous versions,
// oldest first), optional dependencies ref/<name> (the name a $ref uses) shared by all
// versions, and a want section: the verdict and messages for every level under STRICT, the
// BACKWARD and FORWARD verdicts under LENIENT, and the full change list of the backward diff
// of the last two versions. Regenerate with -update.
func TestGoldenJSONSchema(t *testing.T) {
	compattest.EachGolden(t, "compatibility", func(t *testing.T, file string, ar *txtar.Archive) {
		compattest.CheckGolden(t, file, ar, "want", runJSONGoldenCase(t, ar))
	})
}

func runJSONGoldenCase(t *testing.T, ar *txtar.Archive) string {
	var deps []compat.Dependency
	for _, f := range ar.Files {
		if name, ok := strings.CutPrefix(f.Name, "ref/"); ok {
			deps = append(deps, compat.Dependency{Name: name, Type: compat.TypeJSON, Schema: strings.TrimSpace(string(f.Data))})
		}
	}
	next, prev := compattest.Versions(t, ar, compat.TypeJSON, "json", deps)
	var b strings.Builder
	compattest.WriteLevelResults(&b, next, prev, compat.CheckOptions{})
	for _, level := range []compat.Level{compat.LevelBackward, compat.LevelForward} {
		res := compattest.Checked(next, prev, compat.CheckOptions{Level: level, Policy: compat.PolicyLenient})
		fmt.Fprintf(&b, "LENIENT %s: %s\n", level, compattest.VerdictWord(res.Compatible))
	}
	b.WriteString("changes (backward, last two versions):\n")
	nextText, _ := compattest.Section(ar, fmt.Sprintf("v%d.json", len(prev)+1))
	prevText, _ := compattest.Section(ar, fmt.Sprintf("v%d.json", len(prev)))
	for _, c := range jsonschema.Changes(compattest.JSONSchemaModel(t, nextText, deps), compattest.JSONSchemaModel(t, prevText, deps), false) {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	return b.String()
}
