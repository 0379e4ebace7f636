package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

const v1JSON = "application/vnd.schemaregistry.v1+json"

// fakeLeadership is a leader election whose answer the test sets.
type fakeLeadership struct {
	mu   sync.Mutex // guards the following fields
	url  string
	self bool
}

func (l *fakeLeadership) Leader() (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.url, l.self
}

func (l *fakeLeadership) set(url string, self bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.url, l.self = url, self
}

// openTestStore opens a store on its own file log in a temporary directory.
func openTestStore(t *testing.T) *store.Store {
	t.Helper()
	log, err := filelog.Open(t.TempDir(), filelog.Config{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), store.Config{Log: log})
	if err != nil {
		log.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		st.Close()
		log.Close()
	})
	return st
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// serveHTTP serves h on a loopback port until the test ends.
func serveHTTP(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// counting counts the requests that reach h.
func counting(h http.Handler, n *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h.ServeHTTP(w, r)
	})
}

// pair is a leader and a follower, each an Accord API on its own store.
type pair struct {
	leader, follower *httptest.Server
	leadership       *fakeLeadership
	leaderHits       atomic.Int64 // requests that reached the leader
}

func newPair(t *testing.T) *pair {
	t.Helper()
	p := &pair{leadership: &fakeLeadership{}}
	p.leader = serveHTTP(t, counting(New(Config{Store: openTestStore(t), Logger: testLogger(t)}), &p.leaderHits))
	p.leadership.set(p.leader.URL, false)
	p.follower = serveHTTP(t, New(Config{Store: openTestStore(t), Logger: testLogger(t), Leadership: p.leadership}))
	return p
}

// answer is what a client sees of a response.
type answer struct {
	Status      int
	ContentType string
	Body        string
}

func do(t *testing.T, method, url, body string, header http.Header) (answer, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", v1JSON)
	}
	for name, values := range header {
		req.Header[name] = values
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header.Get("Content-Type"), string(data)}, resp.Header
}

func errorAnswer(status, code int, message string) answer {
	body, _ := json.Marshal(errorBody{ErrorCode: code, Message: message})
	return answer{status, v1JSON, string(body)}
}

const (
	schemaInt    = `{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}"}`
	schemaString = `{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}"}`
)

func TestForwardRegistration(t *testing.T) {
	p := newPair(t)
	viaFollower, _ := do(t, "POST", p.follower.URL+"/subjects/s/versions", schemaInt, nil)
	direct, _ := do(t, "POST", p.leader.URL+"/subjects/s/versions", schemaInt, nil)
	if diff := cmp.Diff(direct, viaFollower); diff != "" {
		t.Errorf("registration through the follower differs from the leader's own answer (-leader +follower):\n%s", diff)
	}
	if viaFollower.Status != 200 || !strings.Contains(viaFollower.Body, `"id":1,`) {
		t.Errorf("registration through the follower = %+v, want 200 with id 1", viaFollower)
	}
	// Reads are served locally: only the leader's store holds the schema.
	if got, _ := do(t, "GET", p.leader.URL+"/subjects", "", nil); got.Body != `["s"]` {
		t.Errorf("leader's subjects = %s, want [\"s\"]", got.Body)
	}
	if got, _ := do(t, "GET", p.follower.URL+"/subjects", "", nil); got.Body != `[]` {
		t.Errorf("follower's subjects = %s, want [] (the write was handled locally)", got.Body)
	}
}

// TestForwardedRoutes walks the whole route table: exactly Confluent's forwarded operations
// (those Confluent's KafkaSchemaRegistry sends to the leader) reach it, and nothing else does.
func TestForwardedRoutes(t *testing.T) {
	want := []string{
		"DELETE /associations/resources/:resourceId",
		"DELETE /config",
		"DELETE /config/:subject",
		"DELETE /contexts/:context",
		"DELETE /dek-registry/v1/keks/:name",
		"DELETE /dek-registry/v1/keks/:name/deks/:subject",
		"DELETE /dek-registry/v1/keks/:name/deks/:subject/versions/:version",
		"DELETE /exporters/:name",
		"DELETE /mode",
		"DELETE /mode/:subject",
		"DELETE /subjects/:subject",
		"DELETE /subjects/:subject/versions/:version",
		"POST /associations",
		"POST /associations:batchMutate",
		"POST /dek-registry/v1/keks",
		"POST /dek-registry/v1/keks/:name/deks",
		"POST /dek-registry/v1/keks/:name/deks/:subject",
		"POST /dek-registry/v1/keks/:name/deks/:subject/undelete",
		"POST /dek-registry/v1/keks/:name/deks/:subject/versions/:version/undelete",
		"POST /dek-registry/v1/keks/:name/undelete",
		"POST /exporters",
		"POST /subjects/:subject/versions",
		"PUT /associations/resources/:resourceId",
		"PUT /config",
		"PUT /config/:subject",
		"PUT /dek-registry/v1/keks/:name",
		"PUT /exporters/:name",
		"PUT /exporters/:name/config",
		"PUT /exporters/:name/pause",
		"PUT /exporters/:name/reset",
		"PUT /exporters/:name/resume",
		"PUT /mode",
		"PUT /mode/:subject",
	}
	p := newPair(t)
	param := regexp.MustCompile(`:[a-z]+`)
	values := map[string]string{":name": "k", ":subject": "s", ":version": "1", ":id": "1", ":context": ".c",
		":guid": "00000000-0000-0000-0000-000000000000"}
	var forwarded []string
	for _, r := range New(Config{}).Routes() {
		// A colon after a backslash is literal (/associations\:batchGet), not a parameter.
		literal := strings.ReplaceAll(r.Path, `\:`, "\x00")
		path := strings.ReplaceAll(param.ReplaceAllStringFunc(literal, func(p string) string { return values[p] }), "\x00", ":")
		before := p.leaderHits.Load()
		do(t, r.Method, p.follower.URL+path, `{}`, nil)
		switch hits := p.leaderHits.Load() - before; hits {
		case 0:
		case 1:
			forwarded = append(forwarded, r.Method+" "+strings.ReplaceAll(r.Path, `\:`, ":"))
		default:
			t.Errorf("%s %s reached the leader %d times", r.Method, path, hits)
		}
	}
	sort.Strings(forwarded)
	if diff := cmp.Diff(want, forwarded); diff != "" {
		t.Errorf("forwarded routes (-want +got):\n%s", diff)
	}
}

// recorder is a fake leader that records the requests it gets and answers each with a fixed
// registration answer, echoing X-Request-ID with a suffix so a test can tell it was relayed.
type recorder struct {
	mu   sync.Mutex // guards reqs
	reqs []recorded
}

type recorded struct {
	Method, URI, Body string
	Header            http.Header
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, recorded{r.Method, r.RequestURI, string(body), r.Header.Clone()})
	rec.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-ID", r.Header.Get("X-Request-ID")+"-leader")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, `{"id":7}`)
}

func (rec *recorder) last(t *testing.T) recorded {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.reqs) == 0 {
		t.Fatal("nothing reached the leader")
	}
	return rec.reqs[len(rec.reqs)-1]
}

// newRecordedFollower returns a follower whose leader is a recorder.
func newRecordedFollower(t *testing.T) (*httptest.Server, *recorder) {
	rec := &recorder{}
	leader := serveHTTP(t, rec)
	follower := serveHTTP(t, New(Config{Store: openTestStore(t), Logger: testLogger(t),
		Leadership: &fakeLeadership{url: leader.URL + "/"}}))
	return follower, rec
}

func TestForwardKeepsRequestURI(t *testing.T) {
	follower, rec := newRecordedFollower(t)
	for _, tc := range []struct{ method, uri, body string }{
		{"POST", "/subjects/a%2Fb/versions?normalize=true", schemaInt},
		{"POST", "/subjects/s/versions/", schemaInt},
		{"POST", "/contexts/.ctx/subjects/a%2Fb/versions?normalize=true&x=%41", schemaInt},
		{"DELETE", "/contexts/.ctx/subjects/a%2Fb/versions/latest?permanent=true", ""},
		{"PUT", "/contexts/.ctx/config", `{"compatibility":"NONE"}`},
		{"DELETE", "/mode/a%2Fb", ""},
		{"DELETE", "/contexts/.ctx", ""},
	} {
		got, _ := do(t, tc.method, follower.URL+tc.uri, tc.body, nil)
		if got.Status != http.StatusOK {
			t.Errorf("%s %s = %+v, want the leader's 200", tc.method, tc.uri, got)
			continue
		}
		req := rec.last(t)
		if req.Method != tc.method || req.URI != tc.uri || req.Body != tc.body {
			t.Errorf("%s %s %q reached the leader as %s %s %q", tc.method, tc.uri, tc.body, req.Method, req.URI, req.Body)
		}
	}
}

func TestForwardHeaders(t *testing.T) {
	follower, rec := newRecordedFollower(t)
	sent := http.Header{
		"Authorization":                       {"Basic dXNlcjpwYXNz"},
		"X-Request-Id":                        {"req-1"},
		"Accept":                              {"application/json"},
		"Content-Type":                        {"application/json"},
		"Confluent-Accept-Unknown-Properties": {"true"},
		"X-Other":                             {"not forwarded"},
	}
	got, header := do(t, "POST", follower.URL+"/subjects/s/versions", schemaInt, sent)
	if want := (answer{200, "application/json", `{"id":7}`}); got != want {
		t.Errorf("relayed answer = %+v, want %+v", got, want)
	}
	if id := header.Get("X-Request-ID"); id != "req-1-leader" {
		t.Errorf("relayed X-Request-ID = %q, want the leader's %q", id, "req-1-leader")
	}
	req := rec.last(t)
	for _, name := range []string{"Authorization", "X-Request-Id", "Accept", "Content-Type", "Confluent-Accept-Unknown-Properties"} {
		if diff := cmp.Diff(sent[name], req.Header.Values(name)); diff != "" {
			t.Errorf("forwarded %s (-sent +forwarded):\n%s", name, diff)
		}
	}
	if v := req.Header.Values("X-Forward"); len(v) != 1 || v[0] != "true" {
		t.Errorf("forwarded X-Forward = %q, want [true]", v)
	}
	if v := req.Header.Get("X-Other"); v != "" {
		t.Errorf("X-Other was forwarded: %q", v)
	}

	// Without a client X-Request-ID, the leader gets the one the follower made up.
	_, header = do(t, "DELETE", follower.URL+"/subjects/s", "", nil)
	id := rec.last(t).Header.Get("X-Request-ID")
	if id == "" || header.Get("X-Request-ID") != id+"-leader" {
		t.Errorf("forwarded X-Request-ID = %q, answered %q", id, header.Get("X-Request-ID"))
	}
}

func TestForwardRelaysLeaderErrors(t *testing.T) {
	p := newPair(t)
	if got, _ := do(t, "POST", p.leader.URL+"/subjects/s/versions", schemaInt, nil); got.Status != 200 {
		t.Fatalf("register: %+v", got)
	}
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"invalid schema", "POST", "/subjects/s/versions", `{"schema":"{\"type\":\"nope\"}"}`, 422, `"error_code":42201`},
		{"incompatible", "POST", "/subjects/s/versions", schemaString, 409, `"error_code":409`},
		{"subject not found", "DELETE", "/subjects/missing", "", 404, `"error_code":40401`},
		{"invalid level", "PUT", "/config/s", `{"compatibility":"SIDEWAYS"}`, 422, `"error_code":42203`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			viaFollower, _ := do(t, tc.method, p.follower.URL+tc.path, tc.body, nil)
			direct, _ := do(t, tc.method, p.leader.URL+tc.path, tc.body, nil)
			if diff := cmp.Diff(direct, viaFollower); diff != "" {
				t.Errorf("follower's answer differs from the leader's (-leader +follower):\n%s", diff)
			}
			if viaFollower.Status != tc.status || !strings.Contains(viaFollower.Body, tc.code) {
				t.Errorf("answer = %+v, want status %d with %s", viaFollower, tc.status, tc.code)
			}
		})
	}
}

func TestForwardFailures(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	release := make(chan struct{})
	slow := serveHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release) }) // runs before slow.Close, which waits for the handler
	var leaderHits atomic.Int64
	leader := serveHTTP(t, counting(New(Config{Store: openTestStore(t)}), &leaderHits))

	notKnown := errorAnswer(500, 50004, "Leader not known.")
	for _, tc := range []struct {
		name         string
		leader       string
		method, path string
		header       http.Header
		want         answer
	}{
		{"leader unknown", "", "POST", "/subjects/s/versions", nil, notKnown},
		{"leader unknown, config", "", "PUT", "/config", nil, notKnown},
		{"already forwarded", leader.URL, "POST", "/subjects/s/versions", http.Header{"X-Forward": {"true"}}, notKnown},
		{"leader unreachable", closed.URL, "POST", "/subjects/s/versions", nil,
			errorAnswer(500, 50003, "Error while forwarding register schema request to the leader")},
		{"leader unreachable, delete config", closed.URL, "DELETE", "/config/s", nil,
			errorAnswer(500, 50003, "Error while forwarding delete config request to the leader")},
		{"leader too slow", slow.URL, "DELETE", "/subjects/s/versions/1", nil,
			errorAnswer(500, 50003, "Error while forwarding delete schema version request to the leader")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			follower := serveHTTP(t, New(Config{Store: openTestStore(t), Logger: testLogger(t),
				Leadership: &fakeLeadership{url: tc.leader}, ForwardTimeout: 100 * time.Millisecond}))
			body := ""
			if tc.method != "DELETE" {
				body = schemaInt
			}
			got, _ := do(t, tc.method, follower.URL+tc.path, body, tc.header)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
		})
	}
	if n := leaderHits.Load(); n != 0 {
		t.Errorf("a request marked X-Forward reached the leader %d times", n)
	}
}

// TestForwardSelf checks that the leader, and a request forwarded to it, are handled locally.
func TestForwardSelf(t *testing.T) {
	var elsewhere atomic.Int64
	other := serveHTTP(t, counting(http.NotFoundHandler(), &elsewhere))
	leadership := &fakeLeadership{url: other.URL, self: true}
	srv := serveHTTP(t, New(Config{Store: openTestStore(t), Logger: testLogger(t), Leadership: leadership}))
	got, _ := do(t, "POST", srv.URL+"/subjects/s/versions", schemaInt, http.Header{"X-Forward": {"true"}})
	if got.Status != 200 || !strings.Contains(got.Body, `"id":1,`) {
		t.Errorf("register on the leader = %+v, want 200 with id 1", got)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the leader forwarded %d requests", n)
	}
	if got, _ := do(t, "GET", srv.URL+"/subjects", "", nil); got.Body != `["s"]` {
		t.Errorf("subjects = %s, want [\"s\"]", got.Body)
	}
}
