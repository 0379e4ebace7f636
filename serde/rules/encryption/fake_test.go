package encryption

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/accord-registry/accord/serde/deks"
	"github.com/twmb/franz-go/pkg/sr"
)

// fakeRegistry is the part of a DEK Registry the executors use, written from Confluent's API
// reference (DekRegistryResource): KEKs and DEKs read and created, with Confluent's status
// codes and error codes, soft-deleted keys visible only with deleted=true, and the latest
// version of a DEK as -1. For a shared KEK it makes the DEK itself and returns keyMaterial.
type fakeRegistry struct {
	mu       sync.Mutex
	keks     map[string]deks.KEK
	deks     map[string][]deks.DEK // by kek, subject and algorithm; versions ascending
	requests []string              // "METHOD path"
	fail     map[string]int        // "METHOD path" → status to answer once
	now      int64                 // the ts of the next write, epoch milliseconds
	url      string
}

func newFake(t testing.TB) (*fakeRegistry, *deks.Client) {
	t.Helper()
	f := &fakeRegistry{keks: map[string]deks.KEK{}, deks: map[string][]deks.DEK{}, fail: map[string]int{}, now: 1_700_000_000_000}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /dek-registry/v1/keks/{name}", f.getKEK)
	mux.HandleFunc("POST /dek-registry/v1/keks", f.createKEK)
	mux.HandleFunc("GET /dek-registry/v1/keks/{name}/deks/{subject}/versions/{version}", f.getDEK)
	mux.HandleFunc("POST /dek-registry/v1/keks/{name}/deks/{subject}", f.createDEK)
	mux.HandleFunc("POST /dek-registry/v1/keks/{name}/deks", f.createDEK) // the older form, which confluent-kafka-go uses
	srv := httptest.NewServer(f.record(mux))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	cl, err := sr.NewClient(sr.URLs(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	c, err := deks.NewClient(cl)
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

// newFakeSharing returns another registry client of f: what another process sees, with
// caches of its own.
func newFakeSharing(t testing.TB, f *fakeRegistry) (*fakeRegistry, *deks.Client) {
	t.Helper()
	cl, err := sr.NewClient(sr.URLs(f.url))
	if err != nil {
		t.Fatal(err)
	}
	c, err := deks.NewClient(cl)
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

func (f *fakeRegistry) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		line := r.Method + " " + r.URL.EscapedPath()
		f.mu.Lock()
		f.requests = append(f.requests, line)
		code, failing := f.fail[line]
		delete(f.fail, line)
		f.mu.Unlock()
		if failing {
			writeError(w, code, code*100+70, "injected failure")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sent returns the requests so far and forgets them.
func (f *fakeRegistry) sent() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.requests
	f.requests = nil
	return out
}

// failOnce makes the next request "METHOD path" answer status.
func (f *fakeRegistry) failOnce(request string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[request] = status
}

func (f *fakeRegistry) putKEK(k deks.KEK) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keks[k.Name] = k
}

func (f *fakeRegistry) putDEK(d deks.DEK) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := d.KEKName + "\x00" + d.Subject + "\x00" + string(d.Algorithm)
	f.deks[id] = append(f.deks[id], d)
	slices.SortFunc(f.deks[id], func(a, b deks.DEK) int { return a.Version - b.Version })
}

// stored returns the DEKs of (kek, subject, algorithm), versions ascending.
func (f *fakeRegistry) stored(kek, subject string, alg deks.Algorithm) []deks.DEK {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.deks[kek+"\x00"+subject+"\x00"+string(alg)])
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
	var req deks.CreateKEK
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
	k := deks.KEK{Name: req.Name, KMSType: req.KMSType, KMSKeyID: req.KMSKeyID, KMSProps: req.KMSProps, Doc: req.Doc, Shared: req.Shared, TS: f.now}
	f.keks[req.Name] = k
	writeJSON(w, k)
}

func (f *fakeRegistry) getDEK(w http.ResponseWriter, r *http.Request) {
	alg := deks.Algorithm(r.URL.Query().Get("algorithm"))
	if alg == "" {
		alg = deks.AES256GCM
	}
	deleted := r.URL.Query().Get("deleted") == "true"
	version, err := strconv.Atoi(r.PathValue("version"))
	if r.PathValue("version") == "latest" {
		version, err = deks.Latest, nil
	}
	if err != nil || version == 0 || version < -1 {
		writeError(w, http.StatusUnprocessableEntity, 42202, "The specified version is not a valid version id")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var live []deks.DEK
	for _, d := range f.deks[r.PathValue("name")+"\x00"+r.PathValue("subject")+"\x00"+string(alg)] {
		if deleted || !d.Deleted {
			live = append(live, d)
		}
	}
	i := slices.IndexFunc(live, func(d deks.DEK) bool { return d.Version == version })
	if version == deks.Latest {
		i = len(live) - 1
	}
	if i < 0 {
		writeError(w, http.StatusNotFound, 40470, fmt.Sprintf("Key '%s' not found", r.PathValue("subject")))
		return
	}
	writeJSON(w, live[i])
}

func (f *fakeRegistry) createDEK(w http.ResponseWriter, r *http.Request) {
	var req deks.CreateDEK
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusUnprocessableEntity, 42271, "Invalid or missing value for field 'subject' of key")
		return
	}
	if s := r.PathValue("subject"); s != "" {
		req.Subject = s
	}
	req.Version = max(req.Version, 1)
	if req.Algorithm == "" {
		req.Algorithm = deks.AES256GCM
	}
	f.mu.Lock()
	k, ok := f.keks[r.PathValue("name")]
	id := k.Name + "\x00" + req.Subject + "\x00" + string(req.Algorithm)
	exists := slices.ContainsFunc(f.deks[id], func(d deks.DEK) bool { return d.Version == req.Version })
	f.now++
	ts := f.now
	f.mu.Unlock()
	switch {
	case !ok:
		writeError(w, http.StatusNotFound, 40470, fmt.Sprintf("Key '%s' not found", r.PathValue("name")))
	case req.EncryptedKeyMaterial == "" && !k.Shared:
		writeError(w, http.StatusUnprocessableEntity, 42271, "Invalid or missing value for field 'encryptedKeyMaterial' of key")
	case exists:
		writeError(w, http.StatusConflict, 40972, fmt.Sprintf("Key '%s' already exists; use a different value", req.Subject))
	default:
		d := deks.DEK{KEKName: k.Name, Subject: req.Subject, Version: req.Version, Algorithm: req.Algorithm, EncryptedKeyMaterial: req.EncryptedKeyMaterial, TS: ts}
		if k.Shared {
			// The registry makes the key and wraps it with its own KMS access; the fake's
			// wrapping is a stand-in the client never opens, since keyMaterial is returned.
			raw, _ := newKeyMaterial(req.Algorithm)
			d.KeyMaterial = base64.StdEncoding.EncodeToString(raw)
			d.EncryptedKeyMaterial = base64.StdEncoding.EncodeToString(append([]byte("wrapped by the registry:"), raw...))
		}
		f.putDEK(d)
		writeJSON(w, d)
	}
}
