package test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestCrashLosesNoAcknowledgedWrite runs the real `accord serve` binary on one data directory
// over and over: each round 8–16 clients register distinct schemas into overlapping subjects,
// and after a random number of acknowledgements the process is SIGKILLed mid-traffic. After
// every restart each registration ever acknowledged (HTTP 200) must be there: the id still
// names the same schema, the subject-version still holds that id, and no id ever names two
// different schemas, across all rounds.
func TestCrashLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("crash test runs the binary dozens of times; skipped with -short")
	}
	t.Parallel()
	const rounds = 24
	bin := buildAccord(t)
	dir := t.TempDir()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	led := newAckLedger()
	subjects := []string{"crash-a", "crash-b", "crash-c", "crash-d", "crash-e", "crash-f"}

	for round := 0; ; round++ {
		p := startAccord(t, bin, dir)
		api := newJSONClient(p.url, 32)
		led.verify(t, api, p, round, rng)
		if t.Failed() || round == rounds {
			p.kill(t)
			return
		}
		if round == 0 {
			status, body, err := api.call(context.Background(), http.MethodPut, "/config", map[string]string{"compatibility": "NONE"}, nil)
			if err != nil || status != http.StatusOK {
				t.Fatalf("PUT /config: %d %s %v", status, body, err)
			}
		}

		// The kill comes once at least ackTarget registrations were acknowledged and
		// sendTarget were sent, whichever is later: right after an answer or right after a
		// request went out, with others at every stage of being served.
		clients := 8 + rng.IntN(9)
		ackTarget, sendTarget := int64(1+rng.IntN(100)), int64(rng.IntN(150))
		var (
			acks, sent atomic.Int64
			killed     atomic.Bool
			reached    = make(chan struct{})
			once       sync.Once
			wg         sync.WaitGroup
		)
		maybeKill := func() {
			if acks.Load() >= ackTarget && sent.Load() >= sendTarget {
				once.Do(func() { close(reached) })
			}
		}
		for c := range clients {
			crng := rand.New(rand.NewPCG(rng.Uint64(), uint64(c)))
			wg.Go(func() {
				for seq := 0; ; seq++ {
					subject := subjects[crng.IntN(len(subjects))]
					schema, ok := "", false
					if crng.IntN(4) == 0 {
						schema, ok = led.randomSchema(crng)
					}
					if !ok {
						schema = fmt.Sprintf(`{"type":"record","name":"C%d_%d_%d","fields":[{"name":"f","type":"long"}]}`, round, c, seq)
					}
					var got struct{ ID, Version int }
					sent.Add(1)
					maybeKill()
					status, body, err := api.call(context.Background(), http.MethodPost, "/subjects/"+subject+"/versions", schemaBody(schema), &got)
					switch {
					case err != nil && killed.Load():
						return // the process is gone; this write's fate is unknown
					case err != nil || status != http.StatusOK:
						t.Errorf("round %d: register into %s before the kill: %d %s %v", round, subject, status, body, err)
						once.Do(func() { close(reached) })
						return
					}
					led.ack(t, ackedRegistration{subject: subject, schema: schema, id: got.ID, version: got.Version})
					acks.Add(1)
					maybeKill()
				}
			})
		}
		select {
		case <-reached:
		case <-time.After(30 * time.Second):
			t.Errorf("round %d: %d acknowledgements and %d requests after 30s, want %d and %d", round, acks.Load(), sent.Load(), ackTarget, sendTarget)
		}
		killed.Store(true)
		p.kill(t)
		wg.Wait()
		if t.Failed() {
			p.dumpLogs(t)
			return
		}
	}
}

// ackedRegistration is one acknowledged POST /subjects/{subject}/versions.
type ackedRegistration struct {
	subject, schema string
	id, version     int
}

// ackLedger records every acknowledged registration and checks each new one against the rest.
type ackLedger struct {
	mu        sync.Mutex
	all       []ackedRegistration
	fresh     []ackedRegistration // not yet verified after a restart
	idOf      map[string]int      // schema -> id
	schemaOf  map[int]string      // id -> schema
	atVersion map[string]string   // "subject/version" -> schema
	schemas   []string
}

func newAckLedger() *ackLedger {
	return &ackLedger{idOf: map[string]int{}, schemaOf: map[int]string{}, atVersion: map[string]string{}}
}

func (l *ackLedger) ack(t *testing.T, r ackedRegistration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if id, ok := l.idOf[r.schema]; ok && id != r.id {
		t.Errorf("schema %s acknowledged with id %d, earlier with id %d", r.schema, r.id, id)
	}
	if s, ok := l.schemaOf[r.id]; ok && s != r.schema {
		t.Errorf("id %d acknowledged for %s, earlier for %s", r.id, r.schema, s)
	}
	sv := fmt.Sprintf("%s/%d", r.subject, r.version)
	if s, ok := l.atVersion[sv]; ok && s != r.schema {
		t.Errorf("%s acknowledged for %s, earlier for %s", sv, r.schema, s)
	}
	if _, ok := l.idOf[r.schema]; !ok {
		l.schemas = append(l.schemas, r.schema)
	}
	l.idOf[r.schema], l.schemaOf[r.id], l.atVersion[sv] = r.id, r.schema, r.schema
	l.all = append(l.all, r)
	l.fresh = append(l.fresh, r)
}

func (l *ackLedger) randomSchema(rng *rand.Rand) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.schemas) == 0 {
		return "", false
	}
	return l.schemas[rng.IntN(len(l.schemas))], true
}

// verify checks, right after a restart, that the server holds every acknowledged write: all
// of them through the /schemas listing, the ones of the last round (and a sample of older
// ones) through GET /schemas/ids/{id} and GET /subjects/{s}/versions/{v}.
func (l *ackLedger) verify(t *testing.T, api jsonClient, p *accordProc, round int, rng *rand.Rand) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	ctx := context.Background()
	if round > 0 {
		var conf struct{ CompatibilityLevel string }
		if status, body, err := api.call(ctx, http.MethodGet, "/config", nil, &conf); err != nil || status != http.StatusOK || conf.CompatibilityLevel != "NONE" {
			t.Errorf("round %d: GET /config = %d %s %v, want NONE", round, status, body, err)
		}
	}
	type listed struct {
		Subject string
		Version int
		ID      int
		Schema  string
	}
	stored := map[string]listed{}
	for offset := 0; ; offset += 1000 {
		var page []listed
		path := fmt.Sprintf("/schemas?deleted=true&offset=%d&limit=1000", offset)
		if status, body, err := api.call(ctx, http.MethodGet, path, nil, &page); err != nil || status != http.StatusOK {
			t.Fatalf("round %d: GET %s: %d %s %v", round, path, status, body, err)
		}
		for _, s := range page {
			stored[fmt.Sprintf("%s/%d", s.Subject, s.Version)] = s
			if want, ok := l.schemaOf[s.ID]; ok && want != s.Schema {
				t.Errorf("round %d: id %d now names %s, acknowledged for %s", round, s.ID, s.Schema, want)
			}
			if want, ok := l.idOf[s.Schema]; ok && want != s.ID {
				t.Errorf("round %d: %s/%d holds %s under id %d, acknowledged with id %d", round, s.Subject, s.Version, s.Schema, s.ID, want)
			}
		}
		if len(page) < 1000 {
			break
		}
	}
	for _, r := range l.all {
		s, ok := stored[fmt.Sprintf("%s/%d", r.subject, r.version)]
		if !ok || s.ID != r.id || s.Schema != r.schema {
			t.Errorf("round %d: acknowledged %+v lost: listed as %+v", round, r, s)
		}
	}
	check := l.fresh
	for range min(50, len(l.all)) {
		check = append(check, l.all[rng.IntN(len(l.all))])
	}
	for _, r := range check {
		var byID struct{ Schema string }
		status, body, err := api.call(ctx, http.MethodGet, fmt.Sprintf("/schemas/ids/%d", r.id), nil, &byID)
		if err != nil || status != http.StatusOK || byID.Schema != r.schema {
			t.Errorf("round %d: GET /schemas/ids/%d = %d %s %v, want %s", round, r.id, status, body, err, r.schema)
		}
		var byVersion struct {
			ID     int
			Schema string
		}
		path := fmt.Sprintf("/subjects/%s/versions/%d", url.PathEscape(r.subject), r.version)
		status, body, err = api.call(ctx, http.MethodGet, path, nil, &byVersion)
		if err != nil || status != http.StatusOK || byVersion.ID != r.id || byVersion.Schema != r.schema {
			t.Errorf("round %d: GET %s = %d %s %v, want id %d", round, path, status, body, err, r.id)
		}
	}
	if t.Failed() {
		p.dumpLogs(t)
	}
	t.Logf("round %d: %d acknowledged registrations verified (%d new, %d listed)", round, len(l.all), len(l.fresh), len(stored))
	l.fresh = nil
}

// TestGracefulShutdown sends SIGTERM to `accord serve` while registrations are in flight:
// requests the server has already started (their handlers are reading the body) complete with
// 200, new connections are refused, the process exits 0, and a restart has every
// acknowledged ackedRegistration.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("runs the binary; skipped with -short")
	}
	t.Parallel()
	bin := buildAccord(t)
	dir := t.TempDir()
	p := startAccord(t, bin, dir)
	api := newJSONClient(p.url, 16)
	ctx := context.Background()
	if status, body, err := api.call(ctx, http.MethodPut, "/config", map[string]string{"compatibility": "NONE"}, nil); err != nil || status != http.StatusOK {
		t.Fatalf("PUT /config: %d %s %v", status, body, err)
	}
	led := newAckLedger()

	// Slow requests: headers sent, body held back until after SIGTERM. With Expect:
	// 100-continue the server says when the handler starts reading the body.
	const slow = 4
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ExpectContinueTimeout = time.Minute
	slowClient := &http.Client{Transport: tr}
	type slowReq struct {
		w        *io.PipeWriter
		started  chan struct{}
		status   int
		body     []byte
		err      error
		finished chan struct{}
	}
	reqs := make([]*slowReq, slow)
	for i := range reqs {
		pr, pw := io.Pipe()
		r := &slowReq{w: pw, started: make(chan struct{}), finished: make(chan struct{})}
		reqs[i] = r
		trace := &httptrace.ClientTrace{Got100Continue: func() { close(r.started) }}
		req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodPost,
			fmt.Sprintf("%s/subjects/graceful-slow-%d/versions", p.url, i), pr)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		req.Header.Set("Expect", "100-continue")
		go func() {
			defer close(r.finished)
			resp, err := slowClient.Do(req)
			if err != nil {
				r.err = err
				return
			}
			defer resp.Body.Close()
			r.status = resp.StatusCode
			r.body, r.err = io.ReadAll(resp.Body)
		}()
	}

	// Fast clients register continuously until the server goes away.
	var (
		sigterm atomic.Bool
		acks    atomic.Int64
		wg      sync.WaitGroup
	)
	for c := range 8 {
		wg.Go(func() {
			for seq := 0; ; seq++ {
				subject := fmt.Sprintf("graceful-%d", seq%3)
				schema := fmt.Sprintf(`{"type":"record","name":"G%d_%d","fields":[{"name":"f","type":"long"}]}`, c, seq)
				var got struct{ ID, Version int }
				status, body, err := api.call(ctx, http.MethodPost, "/subjects/"+subject+"/versions", schemaBody(schema), &got)
				switch {
				case err != nil && sigterm.Load():
					return
				case err != nil || status != http.StatusOK:
					t.Errorf("register %s into %s: %d %s %v", schema, subject, status, body, err)
					return
				}
				led.ack(t, ackedRegistration{subject: subject, schema: schema, id: got.ID, version: got.Version})
				acks.Add(1)
			}
		})
	}
	// If the test fails before the SIGTERM, the clients stop with the process, before the test
	// ends: none of them may report to a finished test.
	first := p
	t.Cleanup(func() { sigterm.Store(true); first.kill(t); wg.Wait() })
	for i, r := range reqs {
		select {
		case <-r.started:
		case <-r.finished:
			t.Fatalf("slow request %d ended before its body was sent: %v", i, r.err)
		case <-time.After(30 * time.Second):
			t.Fatalf("slow request %d: no 100 Continue after 30s", i)
		}
	}
	pollUntil(t, 30*time.Second, "20 acknowledgements", func() bool { return acks.Load() >= 20 || t.Failed() })

	sigterm.Store(true)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	pollUntil(t, 10*time.Second, "the server to begin shutting down", func() bool {
		return strings.Contains(p.logs.String(), "shutting down")
	})
	// New connections are refused while the in-flight requests drain.
	pollUntil(t, 10*time.Second, "the listener to close", func() bool {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(p.url, "http://"), time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	select {
	case <-p.done:
		t.Fatalf("the process exited with requests in flight: %v\n%s", p.exitErr, p.logs.String())
	default:
	}
	for i, r := range reqs {
		schema := fmt.Sprintf(`{"type":"record","name":"Slow%d","fields":[{"name":"f","type":"long"}]}`, i)
		go func() {
			fmt.Fprintf(r.w, `{"schema":%q}`, schema)
			r.w.Close()
		}()
		select {
		case <-r.finished:
		case <-time.After(30 * time.Second):
			t.Fatalf("slow request %d: no answer 30s after its body was sent", i)
		}
		var got struct{ ID, Version int }
		if r.err != nil || r.status != http.StatusOK || !jsonLike(t, `{"id":"<any>","version":1,"<rest>":""}`, r.body) {
			t.Errorf("slow request %d after SIGTERM: %d %s %v, want 200", i, r.status, r.body, r.err)
			continue
		}
		if err := json.Unmarshal(r.body, &got); err != nil {
			t.Fatal(err)
		}
		led.ack(t, ackedRegistration{subject: fmt.Sprintf("graceful-slow-%d", i), schema: schema, id: got.ID, version: got.Version})
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("the process did not exit 30s after SIGTERM\n%s", p.logs.String())
	}
	wg.Wait()
	if p.exitErr != nil {
		t.Errorf("exit after SIGTERM: %v, want status 0\n%s", p.exitErr, p.logs.String())
	}
	if !strings.Contains(p.logs.String(), "log closed") {
		t.Errorf("the log was not closed cleanly:\n%s", p.logs.String())
	}

	p = startAccord(t, bin, dir)
	led.verify(t, newJSONClient(p.url, 4), p, 1, rand.New(rand.NewPCG(1, 2)))
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
		if p.exitErr != nil {
			t.Errorf("idle exit after SIGTERM: %v\n%s", p.exitErr, p.logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("idle process did not exit 30s after SIGTERM")
	}
}

// accordProc is a running `accord serve`.
type accordProc struct {
	cmd     *exec.Cmd
	url     string
	logs    *syncLogBuffer
	done    chan struct{} // closed when the process has exited
	exitErr error         // valid after done
}

// startAccord runs `accord serve` on dir on a free loopback port and waits until /readyz
// answers 200. The process is killed when the test ends, if still running.
func startAccord(t *testing.T, bin, dir string) *accordProc {
	t.Helper()
	return startAccordWith(t, bin, dir, nil)
}

// startAccordWith is startAccord with extra `serve` flags; args(addr) returns them for the
// address the instance will listen on (so --advertised-url can name it).
func startAccordWith(t *testing.T, bin, dir string, args func(addr string) []string) *accordProc {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ACCORD_") {
			env = append(env, kv)
		}
	}
	for attempt := 0; ; attempt++ {
		addr := freeLoopbackAddr(t)
		p := &accordProc{url: "http://" + addr, logs: &syncLogBuffer{}, done: make(chan struct{})}
		argv := []string{"serve", "--listen", addr, "--data-dir", dir, "--log-level", "info"}
		if args != nil {
			argv = append(argv, args(addr)...)
		}
		p.cmd = exec.Command(bin, argv...)
		p.cmd.Env = env
		p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
		p.cmd.WaitDelay = 10 * time.Second
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() {
			p.exitErr = p.cmd.Wait()
			close(p.done)
		}()
		t.Cleanup(func() { p.kill(t) })
		err := waitReady(&http.Client{Timeout: 2 * time.Second}, p, 60*time.Second)
		if err == nil {
			return p
		}
		if strings.Contains(p.logs.String(), "address already in use") && attempt < 3 {
			continue // lost the free port to someone else
		}
		t.Fatalf("%v\n%s", err, p.logs.String())
	}
}

// kill SIGKILLs the process and waits for it to be gone.
func (p *accordProc) kill(t *testing.T) {
	select {
	case <-p.done:
		return
	default:
	}
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("kill accord: %v", err)
	}
	<-p.done
}

func (p *accordProc) dumpLogs(t *testing.T) {
	t.Helper()
	logs := p.logs.String()
	if len(logs) > 8000 {
		logs = "…" + logs[len(logs)-8000:]
	}
	t.Logf("accord logs:\n%s", logs)
}

// freeLoopbackAddr returns a loopback address with a port that was free a moment ago.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// pollUntil polls cond every 10ms until it holds, failing the test after timeout.
func pollUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		<-tick.C
	}
}

// syncLogBuffer is a bytes.Buffer safe for concurrent writers and readers.
type syncLogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncLogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncLogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
