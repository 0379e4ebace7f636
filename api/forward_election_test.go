package api

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
)

// electionFollower is an instance that knows no leader yet, and waits up to wait for one.
func electionFollower(t *testing.T, leadership Leadership, wait time.Duration) *httptest.Server {
	t.Helper()
	return serveHTTP(t, New(Config{Store: openTestStore(t), Logger: testLogger(t), Leadership: leadership, WriteTimeout: wait}))
}

// TestWriteWaitsForElectedLeader: a write that arrives while no leader is known waits for the
// election and is then forwarded to the leader elected.
func TestWriteWaitsForElectedLeader(t *testing.T) {
	p := newPair(t)
	leadership := &fakeLeadership{}
	follower := electionFollower(t, leadership, time.Minute)
	elected := time.AfterFunc(300*time.Millisecond, func() { leadership.set(p.leader.URL, false) })
	defer elected.Stop()
	got, _ := do(t, "POST", follower.URL+"/subjects/s/versions", schemaInt, nil)
	if got.Status != http.StatusOK || !strings.Contains(got.Body, `"id":1,`) {
		t.Errorf("register during the election = %+v, want 200 with id 1", got)
	}
	if n := p.leaderHits.Load(); n != 1 {
		t.Errorf("the leader got %d requests, want 1", n)
	}
	if got, _ := do(t, "GET", p.leader.URL+"/subjects", "", nil); got.Body != `["s"]` {
		t.Errorf("leader's subjects = %s, want [\"s\"]", got.Body)
	}
}

// TestWriteWaitsToLeadItself: an instance that wins the election handles the write that
// waited for it.
func TestWriteWaitsToLeadItself(t *testing.T) {
	leadership := &fakeLeadership{}
	srv := electionFollower(t, leadership, time.Minute)
	elected := time.AfterFunc(300*time.Millisecond, func() { leadership.set("http://self.invalid", true) })
	defer elected.Stop()
	got, _ := do(t, "PUT", srv.URL+"/config", `{"compatibility":"NONE"}`, nil)
	if want := (answer{200, v1JSON, `{"compatibility":"NONE"}`}); got != want {
		t.Errorf("PUT /config during the election = %+v, want %+v", got, want)
	}
	if got, _ := do(t, "GET", srv.URL+"/config", "", nil); !strings.Contains(got.Body, `"compatibilityLevel":"NONE"`) {
		t.Errorf("GET /config = %+v, want NONE", got)
	}
}

// TestWriteGivesUpAfterWriteTimeout: with no leader ever elected the write fails with 50004,
// once the write timeout has passed and not before.
func TestWriteGivesUpAfterWriteTimeout(t *testing.T) {
	const wait = 400 * time.Millisecond
	srv := electionFollower(t, &fakeLeadership{}, wait)
	start := time.Now()
	got, _ := do(t, "POST", srv.URL+"/subjects/s/versions", schemaInt, nil)
	if took := time.Since(start); took < wait {
		t.Errorf("50004 after %v, before the write timeout of %v", took, wait)
	}
	if diff := errorAnswer(500, 50004, "Leader not known."); got != diff {
		t.Errorf("register with no leader = %+v, want %+v", got, diff)
	}
}

// TestWriteWaitEndsWithClient: a client that gives up ends the wait at once, not at the write
// timeout.
func TestWriteWaitEndsWithClient(t *testing.T) {
	h := New(Config{Store: openTestStore(t), Logger: testLogger(t), Leadership: &fakeLeadership{}, WriteTimeout: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequestWithContext(ctx, "POST", "/subjects/s/versions", strings.NewReader(schemaInt))
	req.Header.Set("Content-Type", v1JSON)
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(rec, req)
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the write still waits for a leader 30s after its client gave up")
	}
	if !strings.Contains(rec.Body.String(), `"error_code":50004`) {
		t.Errorf("answer after the client gave up = %d %s, want 50004", rec.Code, rec.Body)
	}
}

// deposedLog is a shared log on which this instance was just deposed: every write is refused
// with store.ErrNotLeader, and the first refusal elects newLeader, as the group's rebalance
// would.
type deposedLog struct {
	refused atomic.Int64
	depose  func()
}

func (l *deposedLog) Follow(ctx context.Context, _ func([]store.Record) []int64) error {
	<-ctx.Done()
	return ctx.Err()
}

func (l *deposedLog) Barrier(_ context.Context, write bool) (int64, error) {
	if !write {
		return -1, nil
	}
	if l.refused.Add(1) == 1 {
		l.depose()
	}
	return 0, store.ErrNotLeader
}

func (l *deposedLog) Append(context.Context, []store.Record) (int64, error) {
	return 0, store.ErrNotLeader
}

// openDeposedStore opens a store on log and waits until it is ready.
func openDeposedStore(t *testing.T, log store.SharedLog) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{Shared: log, WriteTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	pollFor(t, 10*time.Second, "the store to catch up", st.Ready)
	return st
}

func pollFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestDeposedLeaderSendsWriteToNewLeader: this instance led when the write arrived, but its
// store refuses it with 50004 (deposed meanwhile): the write goes to the leader elected next,
// with its body, instead of failing.
func TestDeposedLeaderSendsWriteToNewLeader(t *testing.T) {
	p := newPair(t)
	leadership := &fakeLeadership{url: "http://self.invalid", self: true}
	// Deposed at the first write; another instance is elected 100ms later.
	log := &deposedLog{depose: func() {
		leadership.set("", false)
		time.AfterFunc(100*time.Millisecond, func() { leadership.set(p.leader.URL, false) })
	}}
	srv := serveHTTP(t, New(Config{Store: openDeposedStore(t, log), Logger: testLogger(t), Leadership: leadership, WriteTimeout: time.Minute}))
	got, _ := do(t, "POST", srv.URL+"/subjects/s/versions", schemaInt, nil)
	direct, _ := do(t, "POST", p.leader.URL+"/subjects/s/versions", schemaInt, nil)
	if got != direct || got.Status != http.StatusOK {
		t.Errorf("register on a deposed leader = %+v, want the new leader's %+v", got, direct)
	}
	if n := log.refused.Load(); n != 1 {
		t.Errorf("the deposed store was asked %d times, want once", n)
	}
	if n := p.leaderHits.Load(); n != 2 {
		t.Errorf("the new leader got %d requests, want 2 (the forwarded write and the test's own)", n)
	}
}

// TestDeposedLeaderRefusalIsForwardedAgain: the leader a write was forwarded to answers 50004
// (it was deposed meanwhile); the write is sent again to the leader elected next.
func TestDeposedLeaderRefusalIsForwardedAgain(t *testing.T) {
	p := newPair(t)
	leadership := &fakeLeadership{}
	var refusals atomic.Int64
	deposed := serveHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		refusals.Add(1)
		if r.Header.Get("X-Forward") != "true" {
			t.Errorf("request reached the deposed leader without X-Forward")
		}
		body, _ := io.ReadAll(r.Body)
		if string(body) != schemaInt {
			t.Errorf("the deposed leader got the body %q", body)
		}
		leadership.set(p.leader.URL, false) // the group elects another
		w.Header().Set("Content-Type", v1JSON)
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"error_code":50004,"message":"Leader not known."}`)
	}))
	leadership.set(deposed.URL, false)
	follower := electionFollower(t, leadership, time.Minute)
	got, _ := do(t, "POST", follower.URL+"/subjects/s/versions", schemaInt, nil)
	if got.Status != http.StatusOK || !strings.Contains(got.Body, `"id":1,`) {
		t.Errorf("register through a deposed leader = %+v, want the new leader's 200 with id 1", got)
	}
	if n := refusals.Load(); n != 1 {
		t.Errorf("the deposed leader got %d requests, want 1", n)
	}
	if n := p.leaderHits.Load(); n != 1 {
		t.Errorf("the new leader got %d requests, want 1", n)
	}
}

// TestForwardedWriteNotForwardedAgainDuringElection: a write another instance forwarded here
// keeps the forward-once rule while no leader is known: 50004 at once, for its sender to
// retry, rather than a wait here that would count against the sender's forward timeout.
func TestForwardedWriteNotForwardedAgainDuringElection(t *testing.T) {
	srv := electionFollower(t, &fakeLeadership{}, time.Hour)
	got, _ := do(t, "POST", srv.URL+"/subjects/s/versions", schemaInt, http.Header{"X-Forward": {"true"}})
	if want := errorAnswer(500, 50004, "Leader not known."); got != want {
		t.Errorf("forwarded write with no leader = %+v, want %+v", got, want)
	}
}

// TestUnreachableLeaderWaitedOut: the leader a write is sent to refuses the connection (it is
// shutting down); the write is sent to the leader elected next.
func TestUnreachableLeaderWaitedOut(t *testing.T) {
	p := newPair(t)
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	leadership := &fakeLeadership{url: gone.URL}
	follower := electionFollower(t, leadership, time.Minute)
	elected := time.AfterFunc(300*time.Millisecond, func() { leadership.set(p.leader.URL, false) })
	defer elected.Stop()
	got, _ := do(t, "POST", follower.URL+"/subjects/s/versions", schemaInt, nil)
	if got.Status != http.StatusOK || !strings.Contains(got.Body, `"id":1,`) {
		t.Errorf("register while the leader is gone = %+v, want the new leader's 200 with id 1", got)
	}
}

// TestLostConnectionResendsOnlyRepeatableWrites: a leader that closes the connection without
// answering may or may not have done the write. A registration is sent again (done twice it
// answers the same id); a delete is not (the second would answer "not found"), it fails with
// 50003 as before.
func TestLostConnectionResendsOnlyRepeatableWrites(t *testing.T) {
	p := newPair(t)
	var hangups atomic.Int64
	leadership := &fakeLeadership{}
	closing := serveHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hangups.Add(1)
		leadership.set(p.leader.URL, false)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	for _, tc := range []struct {
		method, path, body string
		want               int
		hangups            int64
	}{
		{"POST", "/subjects/s/versions", schemaInt, http.StatusOK, 1},
		{"DELETE", "/subjects/s/versions/1", "", http.StatusInternalServerError, 1},
	} {
		leadership.set(closing.URL, false)
		hangups.Store(0)
		follower := electionFollower(t, leadership, time.Minute)
		got, _ := do(t, tc.method, follower.URL+tc.path, tc.body, nil)
		if got.Status != tc.want || tc.want != 200 && !strings.Contains(got.Body, `"error_code":50003`) {
			t.Errorf("%s %s through a leader that hangs up = %+v, want %d", tc.method, tc.path, got, tc.want)
		}
		if n := hangups.Load(); n != tc.hangups {
			t.Errorf("%s %s: the leader that hangs up got %d requests, want %d", tc.method, tc.path, n, tc.hangups)
		}
	}
}

// catchingUpLog is a shared log that holds the store not ready (catching up) until release
// is closed.
type catchingUpLog struct {
	deposedLog
	release chan struct{}
}

func (l *catchingUpLog) Barrier(ctx context.Context, write bool) (int64, error) {
	select {
	case <-l.release:
		return l.deposedLog.Barrier(ctx, write)
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// TestWriteWaitsForStartup: a write that reaches an instance still catching up with its log
// (just restarted) waits until it is ready, then goes to the leader, instead of a 503.
func TestWriteWaitsForStartup(t *testing.T) {
	p := newPair(t)
	log := &catchingUpLog{release: make(chan struct{})}
	st, err := store.Open(context.Background(), store.Config{Shared: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := serveHTTP(t, New(Config{Store: st, Logger: testLogger(t), Leadership: p.leadership, WriteTimeout: time.Minute}))
	if got, _ := do(t, "GET", srv.URL+"/subjects", "", nil); got.Status != http.StatusServiceUnavailable {
		t.Fatalf("GET /subjects while catching up = %+v, want 503 at once", got)
	}
	ready := time.AfterFunc(300*time.Millisecond, func() { close(log.release) })
	defer ready.Stop()
	got, _ := do(t, "POST", srv.URL+"/subjects/s/versions", schemaInt, nil)
	if got.Status != http.StatusOK || !strings.Contains(got.Body, `"id":1,`) {
		t.Errorf("register while catching up = %+v, want the leader's 200 with id 1", got)
	}
}
