package test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/accord-registry/accord"

// depRule forbids a package (and its sub-packages) from importing, directly or not, anything
// matching one of the forbidden prefixes. The arrows run cmd → api → store → compat; openapi is
// a leaf under api; serde stands alone (docs/style.md §2.1).
type depRule struct {
	pkg       string
	forbidden []string
	why       string
}

var depRules = []depRule{
	{"compat", []string{module + "/store", module + "/api", module + "/serde", module + "/cmd", "github.com/labstack/echo", "github.com/twmb/franz-go"}, "compat is pure: parsing and checking only"},
	{"store", []string{module + "/api", module + "/serde", module + "/cmd", "github.com/labstack/echo"}, "store must not know about HTTP or clients"},
	{"api", []string{module + "/serde", module + "/cmd", "github.com/twmb/franz-go"}, "api talks to Kafka only through store"},
	{"openapi", []string{module + "/"}, "openapi is a leaf"},
	{"serde", []string{module + "/api", module + "/store", module + "/compat", module + "/cmd", "github.com/labstack/echo", "github.com/twmb/franz-go/pkg/kgo"}, "serde is a library for other people's programs"},
}

// TestDependencyDirection fails when a package imports against the dependency direction.
func TestDependencyDirection(t *testing.T) {
	for _, p := range listPackages(t, "./...") {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		for _, rule := range depRules {
			if rel != rule.pkg && !strings.HasPrefix(rel, rule.pkg+"/") {
				continue
			}
			for _, dep := range p.Deps {
				for _, bad := range rule.forbidden {
					if strings.HasPrefix(dep, bad) && !strings.HasPrefix(dep, p.ImportPath) && !strings.HasPrefix(p.ImportPath+"/", dep+"/") {
						t.Errorf("%s imports %s: %s", p.ImportPath, dep, rule.why)
					}
				}
			}
		}
	}
}

type goPackage struct {
	ImportPath string
	Name       string
	Dir        string
	Deps       []string
	GoFiles    []string
	Doc        string
}

func listPackages(t *testing.T, pattern string) []goPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps=false", "-json", pattern)
	cmd.Dir = ".."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	var pkgs []goPackage
	for dec.More() {
		var p goPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}
