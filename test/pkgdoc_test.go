package test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"testing"
)

// TestPackageDocs requires exactly one package comment in every package, so that each package
// says why it exists in one place.
func TestPackageDocs(t *testing.T) {
	for _, p := range listPackages(t, "./...") {
		docs := 0
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(p.Dir, name), nil, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if f.Doc != nil {
				docs++
			}
		}
		if docs != 1 {
			t.Errorf("%s has %d package comments, want exactly 1", p.ImportPath, docs)
		}
	}
}
