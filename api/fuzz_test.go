package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzRequestDecoding sends arbitrary bodies, paths and content types to the write endpoints.
//
// Invariants: the server never answers 5xx and never panics; every error answer is Confluent's
// JSON error body; and it keeps serving afterwards.
func FuzzRequestDecoding(f *testing.F) {
	f.Add("POST", "/subjects/s/versions", "application/json", []byte(`{"schema":"\"string\""}`))
	f.Add("POST", "/subjects/s", "application/json", []byte(`{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}"}`))
	f.Add("PUT", "/config/s", "application/json", []byte(`{"compatibility":"full"}`))
	f.Add("PUT", "/mode", "application/json", []byte(`{"mode":null}`))
	f.Add("POST", "/compatibility/subjects/s/versions/latest?verbose=true", "application/json", []byte(`{"schema":"[[[["}`))
	f.Add("POST", "/contexts/.x/subjects/a%2Fb/versions", "application/vnd.schemaregistry.v1+json", []byte(`{"schema":"\"int\"","references":[{"name":"x"}]}`))
	f.Add("GET", "/schemas/ids/1?subject=%ff", "", []byte(nil))
	f.Add("POST", "/subjects/s/versions", "text/plain", []byte("\xff\xfe"))
	h := newTestAPI(f, false)
	f.Fuzz(func(t *testing.T, method, target, contentType string, body []byte) {
		req, err := http.NewRequest(method, "http://accord"+target, bytes.NewReader(body))
		if err != nil || req.URL.Host != "accord" {
			return
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s (%s) %q: %d %s", method, target, contentType, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 && method != http.MethodHead && !bytes.Contains(rec.Body.Bytes(), []byte(`"error_code"`)) {
			t.Fatalf("%s %s: %d without an error body: %s", method, target, rec.Code, rec.Body)
		}
	})
}
