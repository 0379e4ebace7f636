package api

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestWireInt(t *testing.T) {
	for _, tc := range []struct {
		json    string
		want    int
		wantErr string
	}{
		{`2`, 2, ""},
		{`2.0`, 2, ""},
		{`2e0`, 2, ""},
		{`-1`, -1, ""},
		{`2147483647`, 2147483647, ""},
		{`-2147483648`, -2147483648, ""},
		{`2147483648`, 0, "Numeric value (2147483648) out of range of int (-2147483648 - 2147483647)"},
		{`3000000000`, 0, "Numeric value (3000000000) out of range of int (-2147483648 - 2147483647)"},
		{`1e400`, 0, "Numeric value (1e400) out of range of int (-2147483648 - 2147483647)"},
		{`1.5`, 0, "Cannot deserialize value of type `int` from number 1.5"},
		{`"2"`, 0, "Cannot deserialize value of type `int` from \"2\""},
		{`true`, 0, "Cannot deserialize value of type `int` from true"},
	} {
		var got struct{ N wireInt }
		err := json.Unmarshal([]byte(`{"N":`+tc.json+`}`), &got)
		switch {
		case tc.wantErr == "" && (err != nil || int(got.N) != tc.want):
			t.Errorf("%s: %d, %v; want %d", tc.json, got.N, err, tc.want)
		case tc.wantErr != "" && (err == nil || jsonMessage(err) != tc.wantErr):
			t.Errorf("%s: error %v, want %q", tc.json, err, tc.wantErr)
		}
	}
}

// TestRequestNumbersAndNulls: the request forms schemathesis found mishandled.
func TestRequestNumbersAndNulls(t *testing.T) {
	url := serveHTTP(t, New(Config{Store: openTestStore(t), Logger: testLogger(t)})).URL
	for _, tc := range []struct {
		method, path, body string
		want               answer
	}{
		{"POST", "/subjects/s/versions", `{"schema":"\"int\"","version":1.0}`, answer{200, v1JSON, ""}},
		{"POST", "/subjects/r/versions", `{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}"}`, answer{200, v1JSON, ""}},
		{"POST", "/subjects/t/versions", `{"schema":"\"long\"","version":3000000000}`,
			errorAnswer(400, 400, "Numeric value (3000000000) out of range of int (-2147483648 - 2147483647)")},
		{"PUT", "/mode?force=true", `{"mode":"IMPORT"}`, answer{200, v1JSON, ""}},
		{"POST", "/subjects/big/versions", `{"schema":"\"string\"","id":2147483648,"version":1}`,
			errorAnswer(400, 400, "Numeric value (2147483648) out of range of int (-2147483648 - 2147483647)")},
	} {
		got, _ := do(t, tc.method, url+tc.path, tc.body, nil)
		if got.Status != tc.want.Status || (tc.want.Body != "" && got != tc.want) {
			t.Errorf("%s %s %s = %+v, want %+v", tc.method, tc.path, tc.body, got, tc.want)
		}
	}
	do(t, "PUT", url+"/mode", `{"mode":"READWRITE"}`, nil)
	if got, _ := do(t, "POST", url+"/subjects/u/versions",
		`{"schema":"{\"type\":\"record\",\"name\":\"U\",\"fields\":[{\"name\":\"r\",\"type\":\"R\"}]}","references":[{"name":"R","subject":"r","version":1.0}]}`, nil); got.Status != 200 {
		t.Errorf("a reference version given as 1.0: %+v", got)
	}
	if got, _ := do(t, "GET", url+"/openapi.yaml", "", http.Header{"Accept": {"application/yaml"}}); got.Status != 200 || got.ContentType != "application/yaml" {
		t.Errorf("GET /openapi.yaml accepting YAML: %d %s", got.Status, got.ContentType)
	}
	do(t, "PUT", url+"/config", `{"overrideMetadata":{"tags":{"x":null,"y":["PII"]}}}`, nil)
	if got, _ := do(t, "GET", url+"/config", "", nil); got.Body != `{"compatibilityLevel":"BACKWARD","overrideMetadata":{"tags":{"y":["PII"]}}}` {
		t.Errorf("a config with a null tag list: %s", got.Body)
	}
}
