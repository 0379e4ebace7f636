package compat

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestGoldenJSONSchema runs testdata/jsonschema/*.txtar. Each case holds schema versions
// v1.json, v2.json, ... (the last one is the new schema, the others its previous versions,
// oldest first), optional dependencies ref/<name> (the name a $ref uses) shared by all
// versions, and a want section: the verdict and messages for every level under STRICT, the
// BACKWARD and FORWARD verdicts under LENIENT, and the full change list of the backward diff
// of the last two versions. Regenerate with -update.
func TestGoldenJSONSchema(t *testing.T) {
	eachGolden(t, "jsonschema", func(t *testing.T, file string, ar *txtar.Archive) {
		checkGolden(t, file, ar, "want", runJSONGoldenCase(t, ar))
	})
}

func runJSONGoldenCase(t *testing.T, ar *txtar.Archive) string {
	var deps []Dependency
	for _, f := range ar.Files {
		if name, ok := strings.CutPrefix(f.Name, "ref/"); ok {
			deps = append(deps, Dependency{Name: name, Type: TypeJSON, Schema: strings.TrimSpace(string(f.Data))})
		}
	}
	next, prev := goldenVersions(t, ar, TypeJSON, "json", deps)
	var b strings.Builder
	writeLevelResults(&b, next, prev, CheckOptions{})
	for _, level := range []Level{LevelBackward, LevelForward} {
		res := checked(next, prev, CheckOptions{Level: level, Policy: PolicyLenient})
		fmt.Fprintf(&b, "LENIENT %s: %s\n", level, verdictWord(res.Compatible))
	}
	b.WriteString("changes (backward, last two versions):\n")
	for _, c := range jsonschema_Changes(next.parsed.(*jsonschema_Schema), prev[len(prev)-1].Schema.parsed.(*jsonschema_Schema), PolicyStrict == PolicyLenient) {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	return b.String()
}
