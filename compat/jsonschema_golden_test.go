package compat

import (
	"fmt"
	"path/filepath"
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
	files, err := filepath.Glob(filepath.Join("testdata", "jsonschema", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, file, ar, "want", runJSONGoldenCase(t, ar))
		})
	}
}

func runJSONGoldenCase(t *testing.T, ar *txtar.Archive) string {
	var deps []Dependency
	for _, f := range ar.Files {
		if name, ok := strings.CutPrefix(f.Name, "ref/"); ok {
			deps = append(deps, Dependency{Name: name, Type: TypeJSON, Schema: strings.TrimSpace(string(f.Data))})
		}
	}
	var versions []*Schema
	for i := 1; ; i++ {
		text, ok := section(ar, fmt.Sprintf("v%d.json", i))
		if !ok {
			break
		}
		s, err := Parse(TypeJSON, text, deps, ParseOptions{New: true})
		if err != nil {
			t.Fatalf("v%d: %v", i, err)
		}
		versions = append(versions, s)
	}
	if len(versions) < 2 {
		t.Fatal("a case needs at least v1.json and v2.json")
	}
	next := versions[len(versions)-1]
	var prev []Previous
	for i, s := range versions[:len(versions)-1] {
		prev = append(prev, Previous{Schema: s, Version: i + 1})
	}
	var b strings.Builder
	verdict := func(ok bool) string {
		if ok {
			return "compatible"
		}
		return "incompatible"
	}
	for _, level := range allLevels {
		res := Check(next, prev, CheckOptions{Level: level})
		fmt.Fprintf(&b, "%s: %s\n", level, verdict(res.Compatible))
		for _, m := range res.Messages {
			fmt.Fprintf(&b, "  %s\n", m)
		}
	}
	for _, level := range []Level{LevelBackward, LevelForward} {
		res := Check(next, prev, CheckOptions{Level: level, Policy: PolicyLenient})
		fmt.Fprintf(&b, "LENIENT %s: %s\n", level, verdict(res.Compatible))
	}
	b.WriteString("changes (backward, last two versions):\n")
	for _, c := range jsonSchemaChanges(next, prev[len(prev)-1].Schema, PolicyStrict) {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	return b.String()
}
