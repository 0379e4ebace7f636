package jsonschema_test

import (
	"testing"

	"github.com/accord-registry/accord/compat"
)

// TestJSONSchemaAcceptsWhatEveritLoads checks the rewrites of the validator's copy
// (jsCompilerRewrites): schemas Confluent's loader accepts register, and the rewrites do not
// open the door to schemas it refuses.
func TestJSONSchemaAcceptsWhatEveritLoads(t *testing.T) {
	for _, c := range []struct {
		schema string
		ok     bool
	}{
		{`{"type":["string","string"]}`, true},
		{`{"properties":{"a":{"type":["integer","null","integer"]}}}`, true},
		{`{"type":["string","strin"]}`, false},
		{`{"$ref":"#"}`, true},
		{`{"anyOf":[{"$ref":"#"},{"type":"string"}]}`, true},
		{`{"not":{"$ref":"#"}}`, true},
		{`{"definitions":{"a":{"allOf":[{"$ref":"#/definitions/b"}]},"b":{"oneOf":[{"$ref":"#/definitions/a"}]}},"$ref":"#/definitions/a"}`, true},
		{`{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"#"}`, true},
		{`{"allOf":[{"$ref":"#"}],"minLength":"x"}`, false},
		{`{"$ref":"#/definitions/missing"}`, false},
		{`{"properties":{"a":{"$id":"http://example.com/s.json","$ref":"#/definitions/missing"}}}`, false},
		{`{"definitions":{"x":{}},"properties":{"a":{"$id":"http://example.com/s.json","$ref":"#/definitions/x"}}}`, true},
		{`{"properties":{"a":{"$id":"http://example.com/s.json","properties":{"b":{"$ref":"#/definitions/x"}},"definitions":{"x":{}}}}}`, true},
		{`{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"x":{}},"properties":{"a":{"$id":"http://example.com/s.json","$ref":"#/$defs/x"}}}`, false},
	} {
		_, err := compat.Parse(compat.TypeJSON, c.schema, nil, compat.ParseOptions{New: true})
		if (err == nil) != c.ok {
			t.Errorf("%s: accepted %v, want %v (%v)", c.schema, err == nil, c.ok, err)
		}
	}
}
