package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accord-registry/accord/api/auth"
	"github.com/accord-registry/accord/api/metrics"
)

// lockedBuffer collects log output from concurrent handlers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func basic(user, password string) http.Header {
	return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))}}
}

// TestAuthentication walks every path of Basic authentication, and then checks that no
// password, hash or Authorization header reached the logs, at debug level.
func TestAuthentication(t *testing.T) {
	const password = "s3cret-Passw0rd"
	hash, err := auth.HashBcrypt(password)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "users.yaml")
	if err := os.WriteFile(path, []byte("users:\n  - name: alice\n    password: \""+hash+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	users, err := auth.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	url := serveHTTP(t, New(Config{Store: openTestStore(t), Logger: logger, Authenticator: users})).URL

	unauthorized := errorAnswer(401, 401, "Unauthorized")
	for _, tc := range []struct {
		name, method, path, body string
		header                   http.Header
		want                     int
	}{
		{"no credentials", "GET", "/subjects", "", nil, 401},
		{"no credentials, write", "POST", "/subjects/s/versions", schemaInt, nil, 401},
		{"wrong password", "GET", "/subjects", "", basic("alice", "wrong"), 401},
		{"unknown user", "GET", "/subjects", "", basic("mallory", password), 401},
		{"not Basic", "GET", "/subjects", "", http.Header{"Authorization": {"Bearer " + password}}, 401},
		{"malformed Basic", "GET", "/subjects", "", http.Header{"Authorization": {"Basic !!!"}}, 401},
		{"unknown route without credentials", "GET", "/no/such/route", "", nil, 401},
		{"bad context name without credentials", "GET", "/contexts/a:b/subjects", "", nil, 401},
		{"bad context name with credentials", "GET", "/contexts/a:b/subjects", "", basic("alice", password), 400},
		{"metrics without credentials", "GET", "/metrics", "", nil, 401},
		{"health probe", "GET", "/healthz", "", nil, 200},
		{"readiness probe", "GET", "/readyz", "", nil, 200},
		{"right password", "POST", "/subjects/s/versions", schemaInt, basic("alice", password), 200},
		{"right password, read", "GET", "/subjects", "", basic("alice", password), 200},
	} {
		got, header := do(t, tc.method, url+tc.path, tc.body, tc.header)
		switch {
		case got.Status != tc.want:
			t.Errorf("%s: %s %s = %+v, want %d", tc.name, tc.method, tc.path, got, tc.want)
		case tc.want == 401 && got != unauthorized:
			t.Errorf("%s: %+v, want %+v", tc.name, got, unauthorized)
		case tc.want == 401 && header.Get("WWW-Authenticate") != `Basic realm="accord", charset="UTF-8"`:
			t.Errorf("%s: WWW-Authenticate %q", tc.name, header.Get("WWW-Authenticate"))
		}
	}

	out := logs.String()
	if !strings.Contains(out, `"principal":"alice"`) {
		t.Errorf("the access log does not name the principal:\n%s", out)
	}
	for _, secret := range []string{password, hash, "wrong", "Authorization", "Basic ",
		base64.StdEncoding.EncodeToString([]byte("alice:" + password))} {
		if strings.Contains(out, secret) {
			t.Errorf("the logs hold %q:\n%s", secret, out)
		}
	}
}

// TestForwardingWithAuthentication: a follower passes the caller's credentials on to the
// leader, which checks them again.
func TestForwardingWithAuthentication(t *testing.T) {
	const password = "leader-and-follower"
	hash, err := auth.HashBcrypt(password)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "users.yaml")
	if err := os.WriteFile(path, []byte("users:\n  - name: app\n    password: \""+hash+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	users, err := auth.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	leadership := &fakeLeadership{}
	var leaderHits atomic.Int64
	leader := serveHTTP(t, counting(New(Config{Store: openTestStore(t), Logger: testLogger(t), Authenticator: users}), &leaderHits))
	leadership.set(leader.URL, false)
	follower := serveHTTP(t, New(Config{Store: openTestStore(t), Logger: testLogger(t), Leadership: leadership, Authenticator: users})).URL

	if got, _ := do(t, "POST", follower+"/subjects/s/versions", schemaInt, nil); got.Status != 401 || leaderHits.Load() != 0 {
		t.Fatalf("a write without credentials: %+v, %d requests reached the leader; want 401 from the follower", got, leaderHits.Load())
	}
	if got, _ := do(t, "POST", follower+"/subjects/s/versions", schemaInt, basic("app", password)); got.Status != 200 || leaderHits.Load() != 1 {
		t.Fatalf("a write with credentials through the follower: %+v, %d requests at the leader", got, leaderHits.Load())
	}
	if got, _ := do(t, "GET", leader.URL+"/subjects", "", basic("app", password)); got.Body != `["s"]` {
		t.Fatalf("the leader's subjects after the forwarded write: %+v", got)
	}
}

// TestMetricsAnonymous: with MetricsAnonymous a scraper without credentials reads /metrics,
// and nothing else.
func TestMetricsAnonymous(t *testing.T) {
	path := writeUserA(t, "rules: []\n")
	users, err := auth.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	url := serveHTTP(t, New(Config{Store: openTestStore(t), Logger: testLogger(t), Authenticator: users, Policy: users,
		Metrics: metrics.New(), MetricsAnonymous: true})).URL
	if got, _ := do(t, "GET", url+"/metrics", "", nil); got.Status != 200 || !strings.Contains(got.Body, "go_goroutines") {
		t.Errorf("GET /metrics without credentials: %d", got.Status)
	}
	if got, _ := do(t, "GET", url+"/subjects", "", nil); got.Status != 401 {
		t.Errorf("GET /subjects without credentials: %d, want 401", got.Status)
	}
	// Without MetricsAnonymous, /metrics needs read on the global settings, which rules: []
	// denies.
	closed := serveHTTP(t, New(Config{Store: openTestStore(t), Logger: testLogger(t), Authenticator: users, Policy: users,
		Metrics: metrics.New()})).URL
	want := errorAnswer(403, 40301, "User is denied operation Read on the metrics")
	if got, _ := do(t, "GET", closed+"/metrics", "", basic("a", "pw")); got != want {
		t.Errorf("GET /metrics by a user without global read: %+v, want %+v", got, want)
	}
}

// TestLoginThrottling: past the failure burst, an address gets 429 with Retry-After and
// Confluent's body, without its credentials being checked; a client whose pair was verified
// before is still let in from that address.
func TestLoginThrottling(t *testing.T) {
	path := writeUserA(t, "")
	users, err := auth.LoadLimited(path, auth.Limits{FailureBurst: 2, FailureInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	url := serveHTTP(t, New(Config{Store: openTestStore(t), Logger: testLogger(t), Authenticator: users})).URL
	if got, _ := do(t, "GET", url+"/subjects", "", basic("a", "pw")); got.Status != 200 {
		t.Fatalf("the right password: %+v", got)
	}
	for range 2 {
		if got, _ := do(t, "GET", url+"/subjects", "", basic("a", "wrong")); got.Status != 401 {
			t.Fatalf("a wrong password within the burst: %+v, want 401", got)
		}
	}
	got, header := do(t, "GET", url+"/subjects", "", basic("nobody", "wrong"))
	// A token comes back an hour after the first failure, less the time since.
	retry, _ := strconv.Atoi(header.Get("Retry-After"))
	if want := errorAnswer(429, 429, "Too many login attempts; retry later"); got != want || retry < 3500 || retry > 3600 {
		t.Errorf("past the burst: %+v (Retry-After %q), want %+v with Retry-After about 3600", got, header.Get("Retry-After"), want)
	}
	if got, _ := do(t, "GET", url+"/subjects", "", basic("a", "pw")); got.Status != 200 {
		t.Errorf("the verified pair from the throttled address: %+v, want 200", got)
	}
}

// TestFailedLoginsLogged: each failed login is logged at WARN with the user name, the
// client's address and the request id, never the password; a flood is cut to the first
// lines of the interval, and the next line after it counts the ones left out.
func TestFailedLoginsLogged(t *testing.T) {
	path := writeUserA(t, "")
	users, err := auth.LoadLimited(path, auth.Limits{FailureBurst: 5, FailureInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	url := serveHTTP(t, New(Config{Store: openTestStore(t), Logger: logger, Authenticator: users})).URL
	const secret = "hunter2-not-logged"
	for i := range maxFailedLoginLines + 10 {
		do(t, "GET", url+"/subjects", "", basic(fmt.Sprint("user", i), secret))
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != maxFailedLoginLines {
		t.Errorf("%d log lines for %d failed logins, want %d", len(lines), maxFailedLoginLines+10, maxFailedLoginLines)
	}
	var first struct {
		Level, Msg, User, Remote, Reason string
		RequestID                        string `json:"request_id"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Level != "WARN" || first.Msg != "login failed" || first.User != "user0" || first.Remote != "127.0.0.1" ||
		first.RequestID == "" || first.Reason != "bad credentials" {
		t.Errorf("the first line: %s", lines[0])
	}
	if !strings.Contains(lines[len(lines)-1], `"reason":"too many failed logins from this address"`) {
		t.Errorf("the last line does not say the address was throttled: %s", lines[len(lines)-1])
	}
	if strings.Contains(logs.String(), secret) {
		t.Error("a password reached the log")
	}
}

// TestFailedLoginsSummary: the first failed login of an interval after one with lines left
// out says how many.
func TestFailedLoginsSummary(t *testing.T) {
	var logs lockedBuffer
	clock := time.Unix(1e9, 0)
	f := newFailedLogins(slog.New(slog.NewTextHandler(&logs, nil)), func() time.Time { return clock })
	for range maxFailedLoginLines + 7 {
		f.log(context.Background(), "u", "192.0.2.1", "id", auth.ErrBadCredentials)
	}
	clock = clock.Add(failedLoginInterval)
	f.log(context.Background(), strings.Repeat("x", 1000), "192.0.2.1", "id", auth.ErrBadCredentials)
	out := logs.String()
	if n := strings.Count(out, "login failed"); n != maxFailedLoginLines+1 {
		t.Errorf("%d failed-login lines, want %d", n, maxFailedLoginLines+1)
	}
	if !strings.Contains(out, `msg="failed logins not logged" count=7`) {
		t.Errorf("no summary of the 7 left out:\n%s", out)
	}
	if strings.Contains(out, strings.Repeat("x", maxLoggedUserNameLen+1)) {
		t.Error("a 1000-byte user name was logged whole")
	}
}

// writeUserA writes a users file with user a, password pw (bcrypt), followed by more, and
// returns its path.
func writeUserA(t *testing.T, more string) string {
	t.Helper()
	hash, err := auth.HashBcrypt("pw")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "users.yaml")
	if err := os.WriteFile(path, []byte("users:\n  - name: a\n    password: \""+hash+"\"\n"+more), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
