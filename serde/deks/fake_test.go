package deks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

// fakeRegistry is a DEK Registry written from Confluent's API reference
// (DekRegistryResource): the endpoints the client uses, their status codes and error codes.
// It records every request it is sent.
type fakeRegistry struct {
	mu       sync.Mutex
	keks     map[string]KEK
	deks     map[string][]DEK // by kek, subject and algorithm; versions ascending
	requests []string         // "METHOD escaped-path?query body"
	now      int64
	fail     map[string]int // path → status to answer with, once (200: a body that is not JSON)
}

// newFake starts a fake registry; legacy leaves out the newer POST /keks/{kek}/deks/{subject},
// so that the registry answers 405 to it, as an older Confluent Platform does.
func newFake(t *testing.T, legacy bool) (*fakeRegistry, *sr.Client) {
	t.Helper()
	f := &fakeRegistry{keks: map[string]KEK{}, deks: map[string][]DEK{}, now: 1700000000000, fail: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /dek-registry/v1/keks/{name}", f.getKEK)
	mux.HandleFunc("POST /dek-registry/v1/keks", f.createKEK)
	mux.HandleFunc("GET /dek-registry/v1/keks/{name}/deks/{subject}/versions/{version}", f.getDEK)
	mux.HandleFunc("GET /dek-registry/v1/keks/{name}/deks/{subject}", f.getDEK)
	mux.HandleFunc("POST /dek-registry/v1/keks/{name}/deks", f.createDEK)
	if !legacy {
		mux.HandleFunc("POST /dek-registry/v1/keks/{name}/deks/{subject}", f.createDEK)
	}
	srv := httptest.NewServer(f.record(mux))
	t.Cleanup(srv.Close)
	cl, err := sr.NewClient(sr.URLs(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	return f, cl
}

func (f *fakeRegistry) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		line := r.Method + " " + r.URL.EscapedPath()
		if r.URL.RawQuery != "" {
			line += "?" + r.URL.RawQuery
		}
		if len(body) > 0 {
			line += " " + string(body)
		}
		f.mu.Lock()
		f.requests = append(f.requests, line)
		code, failing := f.fail[r.URL.EscapedPath()]
		delete(f.fail, r.URL.EscapedPath())
		f.mu.Unlock()
		if failing && code == http.StatusOK {
			w.Write([]byte("<html>a proxy's page</html>"))
			return
		}
		if failing {
			writeError(w, code, code*100+70, "injected failure")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sent returns the requests recorded so far and forgets them.
func (f *fakeRegistry) sent() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.requests
	f.requests = nil
	return out
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error_code": code, "message": msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	json.NewEncoder(w).Encode(v)
}

func (f *fakeRegistry) getKEK(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, ok := f.keks[r.PathValue("name")]
	if !ok || (k.Deleted && r.URL.Query().Get("deleted") != "true") {
		writeError(w, http.StatusNotFound, 40470, fmt.Sprintf("Key '%s' not found", r.PathValue("name")))
		return
	}
	writeJSON(w, k)
}

func (f *fakeRegistry) createKEK(w http.ResponseWriter, r *http.Request) {
	var req CreateKEK
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Name == "" || req.KMSKeyID == "" {
		writeError(w, http.StatusUnprocessableEntity, 42271, "Invalid or missing value for field 'name' of key")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.keks[req.Name]; ok {
		writeError(w, http.StatusConflict, 40971, fmt.Sprintf("Key '%s' already exists; use a different value", req.Name))
		return
	}
	f.now++
	k := KEK{Name: req.Name, KMSType: req.KMSType, KMSKeyID: req.KMSKeyID, KMSProps: req.KMSProps, Doc: req.Doc, Shared: req.Shared, TS: f.now}
	f.keks[req.Name] = k
	writeJSON(w, k)
}

func (f *fakeRegistry) getDEK(w http.ResponseWriter, r *http.Request) {
	alg := r.URL.Query().Get("algorithm")
	if alg == "" {
		alg = string(AES256GCM)
	}
	version := 1
	if v := r.PathValue("version"); v != "" && v != "latest" {
		var err error
		if version, err = strconv.Atoi(v); err != nil || version == 0 || version < -1 {
			writeError(w, http.StatusUnprocessableEntity, 42202, "The specified version '"+v+"' is not a valid version id")
			return
		}
	} else if v == "latest" {
		version = Latest
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.keks[r.PathValue("name")]; !ok {
		writeError(w, http.StatusNotFound, 40470, fmt.Sprintf("Key '%s' not found", r.PathValue("name")))
		return
	}
	versions := f.deks[r.PathValue("name")+"\x00"+r.PathValue("subject")+"\x00"+alg]
	i := slices.IndexFunc(versions, func(d DEK) bool { return d.Version == version })
	if version == Latest && len(versions) > 0 {
		i = len(versions) - 1
	}
	if i < 0 {
		writeError(w, http.StatusNotFound, 40470, fmt.Sprintf("Key '%s' not found", r.PathValue("subject")))
		return
	}
	writeJSON(w, versions[i])
}

func (f *fakeRegistry) createDEK(w http.ResponseWriter, r *http.Request) {
	var req CreateDEK
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusUnprocessableEntity, 42271, "Invalid or missing value for field 'subject' of key")
		return
	}
	if s := r.PathValue("subject"); s != "" {
		req.Subject = s // the path wins over the body
	}
	if req.Algorithm == "" {
		req.Algorithm = AES256GCM
	}
	req.Version = max(req.Version, 1)
	f.mu.Lock()
	defer f.mu.Unlock()
	k, ok := f.keks[r.PathValue("name")]
	if !ok {
		writeError(w, http.StatusNotFound, 40470, fmt.Sprintf("Key '%s' not found", r.PathValue("name")))
		return
	}
	if req.EncryptedKeyMaterial == "" && !k.Shared {
		writeError(w, http.StatusUnprocessableEntity, 42271, "Invalid or missing value for field 'encryptedKeyMaterial' of key")
		return
	}
	id := k.Name + "\x00" + req.Subject + "\x00" + string(req.Algorithm)
	if slices.ContainsFunc(f.deks[id], func(d DEK) bool { return d.Version == req.Version }) {
		writeError(w, http.StatusConflict, 40971, fmt.Sprintf("Key '%s' already exists; use a different value", req.Subject))
		return
	}
	f.now++
	d := DEK{KEKName: k.Name, Subject: req.Subject, Version: req.Version, Algorithm: req.Algorithm, EncryptedKeyMaterial: req.EncryptedKeyMaterial, TS: f.now}
	if k.Shared {
		d.EncryptedKeyMaterial, d.KeyMaterial = "d3JhcHBlZA==", "cmF3"
	}
	f.deks[id] = append(f.deks[id], d)
	slices.SortFunc(f.deks[id], func(a, b DEK) int { return a.Version - b.Version })
	writeJSON(w, d)
}
