package test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/accord-registry/accord"

// depRule forbids a package (and its sub-packages, except those in exempt) from importing,
// directly or not, anything matching one of the forbidden prefixes, except the packages in
// allowed. The arrows run cmd → api → store → compat; openapi is a leaf under api; serde
// stands alone (docs/style.md §2.1). Two packages under serde are not serde proper:
// serde/sertest runs a real registry for users' tests, so it imports the server; and
// serde/protobuf/protosource, which prints Protobuf descriptors as .proto source, is a leaf
// that compat shares (it turns the base64 descriptors Python registers into text). And
// serde/kms with its drivers are leaves that serde's field encryption and the server share:
// the registry opens shared KEKs with the same drivers, so store and api may import them.
type depRule struct {
	pkg       string
	forbidden []string
	allowed   []string
	exempt    []string
	why       string
}

const protosource = module + "/serde/protobuf/protosource"

// kmsDrivers are the KMS packages the server may import.
var kmsDrivers = []string{module + "/serde/kms", module + "/serde/kms/localkms", module + "/serde/kms/awskms", module + "/serde/kms/hcvault"}

var depRules = []depRule{
	{pkg: "compat", forbidden: []string{module + "/store", module + "/api", module + "/serde", module + "/cmd", "github.com/labstack/echo", "github.com/twmb/franz-go"},
		allowed: []string{protosource}, why: "compat is pure: parsing and checking only"},
	{pkg: "store", forbidden: []string{module + "/api", module + "/serde", module + "/cmd", "github.com/labstack/echo"},
		allowed: append([]string{protosource}, kmsDrivers...), why: "store must not know about HTTP or clients"},
	{pkg: "api", forbidden: []string{module + "/serde", module + "/cmd", "github.com/twmb/franz-go"},
		allowed: append([]string{protosource}, kmsDrivers...), why: "api talks to Kafka only through store"},
	{pkg: "openapi", forbidden: []string{module + "/"}, why: "openapi is a leaf"},
	{pkg: "serde", forbidden: []string{module + "/api", module + "/store", module + "/compat", module + "/cmd", "github.com/labstack/echo", "github.com/twmb/franz-go/pkg/kgo"},
		exempt: []string{"serde/sertest"}, why: "serde is a library for other people's programs"},
	{pkg: "serde/kms", forbidden: []string{module + "/", "github.com/twmb/franz-go"}, why: "KMS drivers are leaves that serde and the server share"},
	{pkg: "serde/protobuf/protosource", forbidden: []string{module + "/", "github.com/"}, why: "protosource is a leaf that compat shares"},
}

// TestDependencyDirection fails when a package imports against the dependency direction.
func TestDependencyDirection(t *testing.T) {
	for _, p := range listPackages(t, "./...") {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		for _, rule := range depRules {
			if !within(rel, rule.pkg) || slices.ContainsFunc(rule.exempt, func(e string) bool { return within(rel, e) }) {
				continue
			}
			for _, dep := range p.Deps {
				if slices.Contains(rule.allowed, dep) {
					continue
				}
				for _, bad := range rule.forbidden {
					if strings.HasPrefix(dep, bad) && !strings.HasPrefix(dep, p.ImportPath) && !strings.HasPrefix(p.ImportPath+"/", dep+"/") {
						t.Errorf("%s imports %s: %s", p.ImportPath, dep, rule.why)
					}
				}
			}
		}
	}
}

// within reports whether the package at rel is pkg or under it.
func within(rel, pkg string) bool { return rel == pkg || strings.HasPrefix(rel, pkg+"/") }

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
