package test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryFuzzTargetRuns: `make test` runs the fuzz targets listed in the Makefile's
// FUZZ_TARGETS, so a target missing from that list is a parser nobody fuzzes in CI, and a
// listed one that no longer exists makes `make fuzz` fail late. The list and the Fuzz
// functions of the module must be the same.
func TestEveryFuzzTargetRuns(t *testing.T) {
	listed := makefileFuzzTargets(t)
	found := map[string]bool{}
	for _, p := range listPackages(t, "./...") {
		rel, err := filepath.Rel(filepath.Dir(mustGetwd(t)), p.Dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range append(p.TestGoFiles, p.XTestGoFiles...) {
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(p.Dir, name), nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Decls {
				if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Fuzz") {
					found["./"+filepath.ToSlash(rel)+":"+fn.Name.Name] = true
				}
			}
		}
	}
	for target := range found {
		if !listed[target] {
			t.Errorf("%s is not in the Makefile's FUZZ_TARGETS, so make test never runs it", target)
		}
	}
	for target := range listed {
		if !found[target] {
			t.Errorf("the Makefile's FUZZ_TARGETS lists %s, which does not exist", target)
		}
	}
}

func makefileFuzzTargets(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)FUZZ_TARGETS := \\\n(.*?)\n\n`).FindSubmatch(b)
	if block == nil {
		t.Fatal("no FUZZ_TARGETS list in the Makefile")
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(string(block[1]), "\n") {
		if target := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(line), `\`)); target != "" {
			listed[target] = true
		}
	}
	return listed
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}
