// Package openapi holds openapi.yaml, the OpenAPI 3.1 document that is the reference for
// Accord's Confluent-compatible REST API.
//
// The document is embedded instead of generated or read from disk, so the binary serves at
// GET /openapi.yaml exactly the text that was reviewed together with the code, and a deployed
// server cannot lose or mismatch its own reference. [Operations] lists the method and path
// pairs the document declares, so a test next to the route table can fail when a route and the
// document drift apart. The package is a leaf: it imports nothing outside the standard library.
package openapi

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed openapi.yaml
var document []byte

// YAML returns the OpenAPI document. Each call returns a fresh copy, so callers may modify it.
func YAML() []byte {
	return append([]byte(nil), document...)
}

// Operation is one HTTP method on one path of the document.
type Operation struct {
	Method string // upper case: GET, POST, PUT, DELETE, ...
	Path   string // as written under paths:, e.g. /subjects/{subject}/versions
}

// Operations returns the operations of the document's paths section, in document order.
//
// It reads the section with a line scanner rather than a YAML parser to keep the package free of
// third-party dependencies. That relies on the document's layout: path items at two spaces of
// indentation ("  /path:"), their methods at four ("    get:"). An error means the layout was
// broken, which the package's tests catch before a build ships.
func Operations() ([]Operation, error) {
	return scanOperations(string(document))
}

// scanOperations implements [Operations] for any document text.
func scanOperations(doc string) ([]Operation, error) {
	lines := strings.Split(doc, "\n")
	start := -1
	for i, line := range lines {
		if strings.TrimRight(line, " \r") == "paths:" {
			start = i + 1
			break
		}
	}
	if start < 0 {
		return nil, fmt.Errorf("openapi: no top-level paths: section")
	}
	var ops []Operation
	seen := make(map[Operation]bool)
	path := ""
	for i := start; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \r")
		body := strings.TrimLeft(line, " ")
		if body == "" || strings.HasPrefix(body, "#") {
			continue
		}
		switch indent := len(line) - len(body); indent {
		case 0: // the next top-level key ends the section
			return finish(ops)
		case 2:
			key, ok := mappingKey(body)
			if !ok || !strings.HasPrefix(key, "/") {
				return nil, fmt.Errorf("openapi: line %d: want a path item at indent 2, got %q", i+1, body)
			}
			path = key
		case 4:
			key, ok := mappingKey(body)
			method := strings.ToUpper(key)
			if !ok || !isMethod(method) {
				continue // summary, parameters and other path-item fields
			}
			op := Operation{Method: method, Path: path}
			if path == "" || seen[op] {
				return nil, fmt.Errorf("openapi: line %d: misplaced or repeated %s %s", i+1, method, path)
			}
			seen[op] = true
			ops = append(ops, op)
		}
	}
	return finish(ops)
}

func finish(ops []Operation) ([]Operation, error) {
	if len(ops) == 0 {
		return nil, fmt.Errorf("openapi: paths: section has no operations")
	}
	return ops, nil
}

// mappingKey returns the key of a block mapping line that opens a nested mapping ("key:"),
// without surrounding quotes. Lines with an inline value are not nested mappings.
func mappingKey(line string) (string, bool) {
	key, ok := strings.CutSuffix(line, ":")
	if !ok || key == "" {
		return "", false
	}
	if n := len(key); n >= 2 && (key[0] == '\'' || key[0] == '"') && key[n-1] == key[0] {
		key = key[1 : n-1]
	}
	return key, true
}

// isMethod reports whether m is one of the fixed fields of an OpenAPI path item that name an
// HTTP method.
func isMethod(m string) bool {
	switch m {
	case "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE":
		return true
	}
	return false
}
