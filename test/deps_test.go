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
// allowed and those within pkg itself. The arrows run cmd → api → store → compat; openapi is a leaf under api; serde
// stands alone, so that it stays a library other people's programs can import without the
// registry. Under compat the arrows run compat → compat/avro, compat/jsonschema,
// compat/protobuf → compat/jackson, compat/budget: a format knows nothing of compat or of the
// other formats. Two packages under serde are not serde proper:
// serde/sertest runs a real registry for users' tests, so it imports the server; and
// serde/protobuf/protosource, which prints Protobuf descriptors as .proto source, is a leaf
// that compat shares (it turns the base64 descriptors Python registers into text). And
// serde/kms with its drivers are leaves that serde's field encryption and the server share:
// the registry opens shared KEKs with the same drivers, so store and api may import them.
// internal/jsonsubset, the reflection-free JSON reader of replay and request bodies, is a
// leaf store and api share.
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
	{pkg: "internal/jsonsubset", forbidden: []string{module + "/"}, why: "jsonsubset is a leaf that store and api share"},
	{pkg: "serde", forbidden: []string{module + "/api", module + "/store", module + "/compat", module + "/cmd", "github.com/labstack/echo", "github.com/twmb/franz-go/pkg/kgo"},
		exempt: []string{"serde/sertest"}, why: "serde is a library for other people's programs"},
	{pkg: "serde/kms", forbidden: []string{module + "/", "github.com/twmb/franz-go"}, why: "KMS drivers are leaves that serde and the server share"},
	{pkg: "serde/protobuf/protosource", forbidden: []string{module + "/", "github.com/"}, why: "protosource is a leaf that compat shares"},
	{pkg: "compat/avro", forbidden: formatForbidden, allowed: formatAllowed, why: "a format package stands alone"},
	{pkg: "compat/jsonschema", forbidden: formatForbidden, allowed: formatAllowed, why: "a format package stands alone"},
	{pkg: "compat/protobuf", forbidden: formatForbidden, allowed: formatAllowed, why: "a format package stands alone"},
	{pkg: "compat/jackson", forbidden: formatForbidden, why: "jackson is a leaf the JSON formats share"},
	{pkg: "compat/budget", forbidden: formatForbidden, why: "budget is a leaf the formats share"},
}

// formatForbidden is what a format package (and the leaves the formats share) must not
// import: compat itself, whose Parse and Check dispatch to the formats, the other formats, and
// the rest of the registry.
var formatForbidden = []string{module + "/compat", module + "/store", module + "/api", module + "/serde", module + "/cmd"}

// formatAllowed are the packages under compat (and serde) a format package may import: the
// leaves the formats share.
var formatAllowed = []string{module + "/compat/jackson", module + "/compat/budget", protosource}

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
					if strings.HasPrefix(dep, bad) && !within(strings.TrimPrefix(dep, module+"/"), rule.pkg) {
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
	// TestGoFiles and XTestGoFiles are the package's test files, in and outside the package.
	TestGoFiles  []string
	XTestGoFiles []string
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
