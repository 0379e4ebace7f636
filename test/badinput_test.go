package test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestBadInput sends hostile and malformed requests. Each must get a 4xx with Confluent's
// error body, and the server must go on serving.
func TestBadInput(t *testing.T) {
	s := startServer(t, serverOptions{maxRequestBytes: 1 << 20})
	deepRecord := strings.Repeat(`{"type":"array","items":`, 10_000) + `"int"` + strings.Repeat("}", 10_000)
	deepJSON := strings.Repeat("[", 10_000) + strings.Repeat("]", 10_000)
	tests := []struct {
		name, method, path string
		body               any
		headers            map[string]string
		status, code       int
	}{
		{"malformed JSON", "POST", "/subjects/s/versions", `{"schema":`, nil, 400, 400},
		{"wrong shape: schema is a number", "POST", "/subjects/s/versions", `{"schema":1}`, nil, 400, 400},
		{"wrong shape: body is a string", "POST", "/subjects/s/versions", `"hello"`, nil, 400, 400},
		{"wrong shape: references not a list", "POST", "/subjects/s/versions", `{"schema":"\"int\"","references":{}}`, nil, 400, 400},
		{"body over the limit", "POST", "/subjects/s/versions", `{"schema":"` + strings.Repeat("x", 2<<20) + `"}`, nil, 413, 413},
		{"deeply nested schema", "POST", "/subjects/s/versions", map[string]string{"schema": deepRecord}, nil, 422, 42201},
		{"deeply nested body", "POST", "/subjects/s/versions", deepJSON, nil, 400, 400},
		{"invalid UTF-8 body", "POST", "/subjects/s/versions", "{\"schema\":\"\xff\xfe\"}", nil, 400, 400},
		{"control character in subject", "POST", "/subjects/a%07b/versions", map[string]string{"schema": `"int"`}, nil, 422, 42208},
		{"invalid UTF-8 in subject", "POST", "/subjects/a%ffb/versions", map[string]string{"schema": `"int"`}, nil, 422, 42208},
		{"unknown version word", "GET", "/subjects/s/versions/newest", nil, nil, 422, 42202},
		{"version out of range", "GET", "/subjects/s/versions/99999999999", nil, nil, 422, 42202},
		{"id out of range", "GET", "/schemas/ids/99999999999", nil, nil, 404, 404},
		{"non-numeric offset", "GET", "/subjects?offset=ten", nil, nil, 404, 404},
		{"unsupported content type", "POST", "/subjects/s/versions", `{"schema":"\"int\""}`, map[string]string{"Content-Type": "application/xml"}, 415, 415},
		{"unacceptable Accept", "GET", "/subjects", nil, map[string]string{"Accept": "image/png"}, 406, 406},
		{"schema type of wrong case", "POST", "/subjects/s/versions", `{"schema":"\"int\"","schemaType":"Avro"}`, nil, 422, 42201},
		{"config body of wrong shape", "PUT", "/config", `{"compatibility":7}`, nil, 400, 400},
		{"mode body of wrong shape", "PUT", "/mode", `{"mode":[1]}`, nil, 400, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			headers := map[string]string{"Content-Type": "application/json"}
			for k, v := range tt.headers {
				headers[k] = v
			}
			resp := s.doWith(tt.method, tt.path, tt.body, headers)
			if resp.Status != tt.status || resp.errorCode() != tt.code {
				t.Errorf("%s %s: got %d %s, want status %d error_code %d", tt.method, tt.path, resp.Status, truncate(resp.Body), tt.status, tt.code)
			}
			var body map[string]any
			if err := json.Unmarshal(resp.Body, &body); err != nil || body["message"] == nil {
				t.Errorf("error body %q is not Confluent's {error_code, message}", truncate(resp.Body))
			}
		})
	}
	if resp := s.do(http.MethodPost, "/subjects/still-alive/versions", schemaBody(`"string"`)); resp.Status != http.StatusOK {
		t.Fatalf("server stopped serving after bad input: %d %s", resp.Status, resp.Body)
	}
}

// TestUnknownQueryValues: unknown boolean values are false, not errors, as in Confluent.
func TestUnknownQueryValues(t *testing.T) {
	s := startServer(t, serverOptions{})
	s.do("POST", "/subjects/q/versions", schemaBody(`"string"`))
	for _, path := range []string{"/subjects?deleted=maybe", "/subjects/q/versions?deleted=yes&deletedOnly=TRUE1", "/schemas?latestOnly=2", "/subjects?unknownParam=1"} {
		if resp := s.do("GET", path, nil); resp.Status != http.StatusOK {
			t.Errorf("GET %s = %d %s, want 200", path, resp.Status, resp.Body)
		}
	}
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}

// TestReferenceChain registers a chain of 1,000 subjects, each referencing the previous one.
// Every registration must answer promptly with success or a 4xx: never a 5xx, a crash or a
// hang, however deep the chain gets.
func TestReferenceChain(t *testing.T) {
	s := startServer(t, serverOptions{})
	if resp := s.do("POST", "/subjects/chain-0/versions", schemaBody(`{"type":"record","name":"R0","fields":[]}`)); resp.Status != http.StatusOK {
		t.Fatalf("chain-0: %d %s", resp.Status, resp.Body)
	}
	accepted := 1
	for k := 1; k < 1000; k++ {
		body := map[string]any{
			"schema":     fmt.Sprintf(`{"type":"record","name":"R%d","fields":[{"name":"p","type":"R%d"}]}`, k, k-1),
			"references": []map[string]any{{"name": fmt.Sprintf("R%d", k-1), "subject": fmt.Sprintf("chain-%d", k-1), "version": 1}},
		}
		resp := s.do("POST", fmt.Sprintf("/subjects/chain-%d/versions", k), body)
		switch {
		case resp.Status == http.StatusOK:
			accepted++
		case resp.Status >= 500 || resp.Status < 400:
			t.Fatalf("chain-%d: %d %s", k, resp.Status, truncate(resp.Body))
		}
	}
	if accepted < 50 {
		t.Errorf("only %d links of the chain were accepted; references 50 deep must work", accepted)
	}
	t.Logf("%d of 1000 links accepted before the depth bound", accepted)
}

// TestHostileSchemas sends schemas built to hurt a parser: each must get a prompt answer,
// success or a 4xx with Confluent's error body, never a 5xx, a crash or a hang.
func TestHostileSchemas(t *testing.T) {
	t.Parallel() // parsing-bound: it overlaps the tests that wait on subprocesses
	s := startServer(t, serverOptions{})
	var fields strings.Builder
	fields.WriteString("syntax = \"proto3\";\nmessage Wide {\n")
	for i := 1; i <= 100_000; i++ {
		tag := i
		if tag >= 19000 { // skip Protobuf's reserved range 19000-19999
			tag += 1000
		}
		fmt.Fprintf(&fields, "  int32 f%d = %d;\n", i, tag)
	}
	fields.WriteString("}\n")
	tests := []struct {
		name, subject string
		body          map[string]any
	}{
		{"10,000-deep JSON schema", "deep-json", map[string]any{"schemaType": "JSON",
			"schema": strings.Repeat(`{"items":`, 10_000) + `{}` + strings.Repeat("}", 10_000)}},
		{"$ref cycle", "cycle-json", map[string]any{"schemaType": "JSON",
			"schema": `{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}`}},
		{"self-referencing JSON schema", "self-json", map[string]any{"schemaType": "JSON",
			"schema": `{"type":"object","properties":{"next":{"$ref":"#"}}}`}},
		{"proto with 100,000 fields", "wide-proto", map[string]any{"schemaType": "PROTOBUF", "schema": fields.String()}},
		{"10,000-deep protobuf nesting", "deep-proto", map[string]any{"schemaType": "PROTOBUF",
			"schema": "syntax = \"proto3\";\n" + strings.Repeat("message M {\n", 10_000) + strings.Repeat("}\n", 10_000)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 2 { // the second registration exercises the lookup of a registered schema
				resp := s.do("POST", "/subjects/"+tt.subject+"/versions", tt.body)
				if resp.Status >= 500 || (resp.Status >= 400 && resp.errorCode() == 0) {
					t.Fatalf("%d %s", resp.Status, truncate(resp.Body))
				}
				t.Logf("%d %s", resp.Status, truncate(resp.Body))
			}
		})
	}
	if resp := s.do("GET", "/subjects", nil); resp.Status != http.StatusOK {
		t.Fatalf("server stopped serving: %d", resp.Status)
	}
}
