package openapi

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// wantOperations is Accord's REST surface. Adding a route means adding it here and to
// openapi.yaml.
var wantOperations = []Operation{
	{"GET", "/"},
	{"POST", "/"},
	{"GET", "/schemas"},
	{"GET", "/schemas/ids/{id}"},
	{"GET", "/schemas/ids/{id}/schema"},
	{"GET", "/schemas/ids/{id}/subjects"},
	{"GET", "/schemas/ids/{id}/versions"},
	{"GET", "/schemas/guids/{guid}"},
	{"GET", "/schemas/guids/{guid}/ids"},
	{"GET", "/schemas/types"},
	{"GET", "/subjects"},
	{"POST", "/subjects/{subject}"},
	{"DELETE", "/subjects/{subject}"},
	{"GET", "/subjects/{subject}/metadata"},
	{"GET", "/subjects/{subject}/versions"},
	{"POST", "/subjects/{subject}/versions"},
	{"GET", "/subjects/{subject}/versions/{version}"},
	{"DELETE", "/subjects/{subject}/versions/{version}"},
	{"GET", "/subjects/{subject}/versions/{version}/schema"},
	{"GET", "/subjects/{subject}/versions/{version}/referencedby"},
	{"POST", "/compatibility/subjects/{subject}/versions/{version}"},
	{"POST", "/compatibility/subjects/{subject}/versions"},
	{"GET", "/config"},
	{"PUT", "/config"},
	{"DELETE", "/config"},
	{"GET", "/config/{subject}"},
	{"PUT", "/config/{subject}"},
	{"DELETE", "/config/{subject}"},
	{"GET", "/mode"},
	{"PUT", "/mode"},
	{"DELETE", "/mode"},
	{"GET", "/mode/{subject}"},
	{"PUT", "/mode/{subject}"},
	{"DELETE", "/mode/{subject}"},
	{"GET", "/contexts"},
	{"DELETE", "/contexts/{context}"},
	{"GET", "/dek-registry/v1/keks"},
	{"POST", "/dek-registry/v1/keks"},
	{"GET", "/dek-registry/v1/keks/{name}"},
	{"PUT", "/dek-registry/v1/keks/{name}"},
	{"DELETE", "/dek-registry/v1/keks/{name}"},
	{"POST", "/dek-registry/v1/keks/{name}/undelete"},
	{"POST", "/dek-registry/v1/keks/{name}/test"},
	{"GET", "/dek-registry/v1/keks/{name}/deks"},
	{"POST", "/dek-registry/v1/keks/{name}/deks"},
	{"GET", "/dek-registry/v1/keks/{name}/deks/{subject}"},
	{"POST", "/dek-registry/v1/keks/{name}/deks/{subject}"},
	{"DELETE", "/dek-registry/v1/keks/{name}/deks/{subject}"},
	{"POST", "/dek-registry/v1/keks/{name}/deks/{subject}/undelete"},
	{"GET", "/dek-registry/v1/keks/{name}/deks/{subject}/versions"},
	{"GET", "/dek-registry/v1/keks/{name}/deks/{subject}/versions/{version}"},
	{"DELETE", "/dek-registry/v1/keks/{name}/deks/{subject}/versions/{version}"},
	{"POST", "/dek-registry/v1/keks/{name}/deks/{subject}/versions/{version}/undelete"},
	{"GET", "/exporters"},
	{"POST", "/exporters"},
	{"GET", "/exporters/{name}"},
	{"PUT", "/exporters/{name}"},
	{"DELETE", "/exporters/{name}"},
	{"GET", "/exporters/{name}/status"},
	{"GET", "/exporters/{name}/config"},
	{"PUT", "/exporters/{name}/config"},
	{"PUT", "/exporters/{name}/pause"},
	{"PUT", "/exporters/{name}/resume"},
	{"PUT", "/exporters/{name}/reset"},
	{"GET", "/v1/metadata/id"},
	{"GET", "/v1/metadata/version"},
	{"GET", "/v1/metadata/deployment"},
	{"GET", "/associations/subjects/{subject}"},
	{"GET", "/associations/resources/{resourceId}"},
	{"GET", "/associations/resources/{resourceNamespace}/{resourceName}"},
	{"POST", "/associations"},
	{"PUT", "/associations/resources/{resourceId}"},
	{"DELETE", "/associations/resources/{resourceId}"},
	{"POST", "/associations:batchGet"},
	{"POST", "/associations:batchMutate"},
	{"GET", "/metrics"},
	{"GET", "/healthz"},
	{"GET", "/readyz"},
	{"GET", "/openapi.yaml"},
}

func TestDocumentIsOpenAPI31(t *testing.T) {
	if doc := YAML(); !bytes.HasPrefix(doc, []byte("openapi: 3.1")) {
		t.Errorf("document starts with %q, want %q", firstLine(doc), "openapi: 3.1")
	}
}

func TestYAMLReturnsCopy(t *testing.T) {
	doc := YAML()
	doc[0] = 'X'
	if again := YAML(); again[0] != 'o' {
		t.Errorf("YAML()[0] = %q after modifying an earlier result, want 'o'", again[0])
	}
}

// TestPathsListed checks the raw text, independently of the scanner behind Operations.
func TestPathsListed(t *testing.T) {
	section := pathsSection(t, string(YAML()))
	for _, op := range wantOperations {
		if !slices.Contains(section, "  "+op.Path+":") {
			t.Errorf("paths: has no %q", op.Path)
		}
	}
}

func TestOperationIDsUnique(t *testing.T) {
	seen := make(map[string]bool)
	for _, line := range pathsSection(t, string(YAML())) {
		id, ok := strings.CutPrefix(line, "      operationId: ")
		if !ok {
			continue
		}
		if seen[id] {
			t.Errorf("operationId %q used twice", id)
		}
		seen[id] = true
	}
	if len(seen) != len(wantOperations) {
		t.Errorf("document has %d operationIds, want one per operation (%d)", len(seen), len(wantOperations))
	}
}

func TestOperations(t *testing.T) {
	got, err := Operations()
	if err != nil {
		t.Fatalf("Operations() error: %v", err)
	}
	for _, op := range missing(got, wantOperations) {
		t.Errorf("Operations() lacks %s %s", op.Method, op.Path)
	}
	for _, op := range missing(wantOperations, got) {
		t.Errorf("Operations() has unexpected %s %s", op.Method, op.Path)
	}
	if len(got) != len(wantOperations) {
		t.Errorf("len(Operations()) = %d, want %d", len(got), len(wantOperations))
	}
}

func TestScanOperations(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		want    []Operation
		wantErr bool
	}{
		{
			name: "methods, fields and quoted keys",
			doc: "openapi: 3.1.0\npaths:\n  /a/{x}:\n    summary: s\n    parameters:\n      - name: x\n" +
				"    get:\n      operationId: a\n    delete:\n      description: |\n        text\n\n" +
				"  '/b:c':\n    post:\n      operationId: b\ncomponents:\n  /not-a-path:\n    get:\n",
			want: []Operation{{"GET", "/a/{x}"}, {"DELETE", "/a/{x}"}, {"POST", "/b:c"}},
		},
		{name: "no paths section", doc: "openapi: 3.1.0\n", wantErr: true},
		{name: "empty paths section", doc: "paths:\ncomponents:\n", wantErr: true},
		{name: "non-path key at indent 2", doc: "paths:\n  get:\n    get:\n", wantErr: true},
		{name: "repeated operation", doc: "paths:\n  /a:\n    get:\n    get:\n", wantErr: true},
		{name: "method before any path", doc: "paths:\n    get:\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := scanOperations(tt.doc)
			if (err != nil) != tt.wantErr {
				t.Fatalf("scanOperations() error = %v, wantErr %v", err, tt.wantErr)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("scanOperations() = %v, want %v", got, tt.want)
			}
		})
	}
}

// pathsSection returns the lines between "paths:" and the next top-level key.
func pathsSection(t *testing.T, doc string) []string {
	t.Helper()
	lines := strings.Split(doc, "\n")
	start := slices.Index(lines, "paths:")
	if start < 0 {
		t.Fatal("document has no paths: line")
	}
	section := lines[start+1:]
	for i, line := range section {
		if line != "" && line[0] != ' ' && line[0] != '#' {
			return section[:i]
		}
	}
	return section
}

// missing returns the operations of want that are not in got.
func missing(got, want []Operation) []Operation {
	var out []Operation
	for _, op := range want {
		if !slices.Contains(got, op) {
			out = append(out, op)
		}
	}
	return out
}

func firstLine(b []byte) []byte {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return line
}
