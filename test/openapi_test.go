package test

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/api"
	"github.com/accord-registry/accord/openapi"
)

// TestOpenAPICoversRoutes keeps the route table and the OpenAPI document in step: every route
// is documented and every documented operation is routed.
func TestOpenAPICoversRoutes(t *testing.T) {
	ops, err := openapi.Operations()
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, op := range ops {
		documented = append(documented, op.Method+" "+op.Path)
	}
	var routed []string
	param := regexp.MustCompile(`:([A-Za-z]+)`)
	for _, r := range api.New(api.Config{}).Routes() {
		// A colon after a backslash is literal (/associations\:batchGet), not a parameter.
		literal := strings.Split(r.Path, `\:`)
		for i := range literal {
			literal[i] = param.ReplaceAllString(literal[i], "{$1}")
		}
		routed = append(routed, r.Method+" "+strings.Join(literal, ":"))
	}
	sort.Strings(documented)
	sort.Strings(routed)
	if diff := cmp.Diff(documented, routed); diff != "" {
		t.Errorf("routes and openapi.yaml differ (-documented +routed):\n%s", diff)
	}
}
