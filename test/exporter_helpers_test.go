package test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The exporter tests run registries as real processes and drive them through the HTTP API
// only: a source registry with an exporter (Confluent's /exporters) that copies into a
// destination registry's context linkedContext, and checks that the destination then
// answers every GET a client uses the way the source does.

// linkedContext is the destination context the tests export into (contextType CUSTOM).
const linkedContext = ".dr"

// exporterStatus is GET /exporters/{name}/status.
type exporterStatus struct {
	Name   string `json:"name"`
	State  string `json:"state"`
	Offset int64  `json:"offset"`
	TS     int64  `json:"ts"`
	Trace  string `json:"trace"`
}

// linkDefinition is the body of POST /exporters for an exporter of every subject of the
// source's default context into linkedContext of the registry at dstURL, with more
// destination config (credentials, TLS) in extra.
func linkDefinition(name, dstURL string, extra map[string]string) map[string]any {
	config := map[string]string{"schema.registry.url": dstURL}
	for k, v := range extra {
		config[k] = v
	}
	return map[string]any{"name": name, "contextType": "CUSTOM", "context": linkedContext,
		"subjects": []string{"*"}, "config": config}
}

// createExporter creates the exporter def on src, which starts it.
func createExporter(t *testing.T, src jsonClient, def map[string]any) {
	t.Helper()
	status, body, err := src.call(context.Background(), http.MethodPost, "/exporters", def, nil)
	if err != nil || status != http.StatusOK {
		t.Fatalf("POST /exporters %v: %d %s %v", def["name"], status, body, err)
	}
}

// exporterState reads an exporter's status.
func exporterState(src jsonClient, name string) (exporterStatus, error) {
	var s exporterStatus
	status, body, err := src.call(context.Background(), http.MethodGet, "/exporters/"+url.PathEscape(name)+"/status", nil, &s)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("GET /exporters/%s/status: %d %s", name, status, body)
	}
	return s, err
}

// appliedOffset is the offset of the last record the registry applied, from /readyz.
func appliedOffset(c jsonClient) (int64, error) {
	var r readiness
	status, body, err := c.call(context.Background(), http.MethodGet, "/readyz", nil, &r)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("GET /readyz: %d %s", status, body)
	}
	return r.Offset, err
}

// waitSettled waits until the source's applied offset has not moved for a second: a
// registration whose client gave up may still be committed after the writer stopped (it was
// queued in a group, or appended when the client left), and the comparisons after an export
// read the destination page by page, which a late copy would shift.
func waitSettled(t *testing.T, src jsonClient) {
	t.Helper()
	last, since := int64(-2), time.Now()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		offset, err := appliedOffset(src)
		if err != nil || offset != last {
			last, since = offset, time.Now()
			continue
		}
		if time.Since(since) >= time.Second {
			return
		}
	}
	t.Fatalf("the source's offset still moves 30 s after the writers stopped (at %d)", last)
}

// waitExported polls the exporter's status until it runs and has copied everything the
// source had applied when it looked, for up to timeout. An exporter in ERROR fails the test
// at once with its trace.
func waitExported(t *testing.T, src jsonClient, name string, timeout time.Duration) exporterStatus {
	t.Helper()
	var (
		last exporterStatus
		why  error
	)
	ok := poll(timeout, func() bool {
		end, err := appliedOffset(src)
		if err != nil {
			why = err
			return false
		}
		if last, err = exporterState(src, name); err != nil {
			why = err
			return false
		}
		if last.State == "ERROR" {
			return true
		}
		why = fmt.Errorf("status %+v, the source is at offset %d", last, end)
		return last.State == "RUNNING" && last.Offset >= end
	})
	if last.State == "ERROR" {
		t.Fatalf("exporter %s in ERROR: %s", name, last.Trace)
	}
	if !ok {
		t.Fatalf("exporter %s has not caught up after %v: %v", name, timeout, why)
	}
	return last
}

// waitExporterState polls the exporter's status until it is in state, for up to timeout.
func waitExporterState(t *testing.T, src jsonClient, name, state string, timeout time.Duration) exporterStatus {
	t.Helper()
	var (
		last exporterStatus
		err  error
	)
	if !poll(timeout, func() bool {
		last, err = exporterState(src, name)
		return err == nil && last.State == state
	}) {
		t.Fatalf("exporter %s not %s after %v: %+v %v", name, state, timeout, last, err)
	}
	return last
}

// inContext is c with every path sent under /contexts/{ctx}: the registry answers for the
// subjects and ids of that context as the source answers for its default context.
func inContext(c jsonClient, ctx string) jsonClient {
	return jsonClient{base: c.base + "/contexts/" + url.PathEscape(ctx), hc: c.hc}
}

// linkedPaths lists the GET paths that answer about the source's default context: the
// listings, every subject's versions, configuration and mode, every version, and every id
// (TestExportImportGivesIdenticalAnswers crawls the same way). With perVersion false, the
// per-version and per-id paths are left out (for thousands of versions, whose listings
// carry the same facts).
func linkedPaths(t *testing.T, src jsonClient, perVersion bool) []string {
	t.Helper()
	paths := []string{"/subjects", "/subjects?deleted=true", "/schemas", "/schemas?deleted=true"}
	var subjects []string
	mustGet(t, src, "/subjects?deleted=true", &subjects)
	ids := map[int]string{}
	for _, s := range subjects {
		sp := "/subjects/" + url.PathEscape(s)
		paths = append(paths, sp+"/versions", sp+"/versions?deleted=true", "/config/"+url.PathEscape(s),
			"/config/"+url.PathEscape(s)+"?defaultToGlobal=true", "/mode/"+url.PathEscape(s), sp+"/versions/latest")
		if !perVersion {
			continue
		}
		var versions []int
		mustGet(t, src, sp+"/versions?deleted=true", &versions)
		for _, v := range versions {
			vp := fmt.Sprintf("%s/versions/%d", sp, v)
			paths = append(paths, vp, vp+"?deleted=true", vp+"/schema?deleted=true", vp+"/referencedby", vp+"/referencedby?deleted=true")
			var rs struct {
				ID int `json:"id"`
			}
			mustGet(t, src, vp+"?deleted=true", &rs)
			ids[rs.ID] = s
		}
		paths = append(paths, sp+"/versions/99")
	}
	for id, subject := range ids {
		ip := fmt.Sprintf("/schemas/ids/%d", id)
		paths = append(paths, ip, ip+"/subjects", ip+"/subjects?deleted=true", ip+"/versions", ip+"/versions?deleted=true",
			ip+"?subject="+url.QueryEscape(subject), ip+"/schema")
	}
	slices.Sort(paths)
	return slices.Compact(paths)
}

// mustGet GETs path and decodes its 200 answer into into, or fails the test.
func mustGet(t *testing.T, c jsonClient, path string, into any) {
	t.Helper()
	status, body, err := c.call(context.Background(), http.MethodGet, path, nil, into)
	if err != nil || status != http.StatusOK {
		t.Fatalf("GET %s%s: %d %s %v", c.base, path, status, body, err)
	}
}

// checkLinked fails the test unless dst, a client in the destination's context, answers
// each path as src does. Answers are compared without their "ts" (the time of registration
// in each registry), and with the destination's context qualifier removed from subject
// names: ":.dr:orders" on the destination is "orders" on the source.
func checkLinked(t *testing.T, what string, src, dst jsonClient, paths []string) {
	t.Helper()
	want, got := answers(t, src, paths), answers(t, dst, paths)
	qualifier := ":" + linkedContext + ":"
	diffs := 0
	for _, path := range paths {
		w := withoutTimestamps(want[path])
		g := strings.ReplaceAll(withoutTimestamps(got[path]), qualifier, "")
		if strings.HasPrefix(path, "/schemas/ids/") && !strings.Contains(path, "subject=") {
			g = withoutLookupSubject(g)
		}
		if w != g {
			if diffs++; diffs <= 10 {
				t.Errorf("%s: GET %s\n source:      %.400s\n destination: %.400s", what, path, w, g)
			}
		}
	}
	if diffs > 10 {
		t.Errorf("%s: %d answers differ in all", what, diffs)
	}
}

// withoutLookupSubject removes "subject" and "version" from an answer of GET
// /schemas/ids/{id}: under /contexts/{ctx} the registry is asked with ?subject=:.ctx:, and
// answers which subject and version of the context hold the id, which the source, asked
// without a subject, does not say.
func withoutLookupSubject(answer string) string {
	status, body, _ := strings.Cut(answer, " ")
	var v map[string]json.RawMessage
	if json.Unmarshal([]byte(body), &v) != nil {
		return answer
	}
	delete(v, "subject")
	delete(v, "version")
	out, err := json.Marshal(v)
	if err != nil {
		return answer
	}
	return status + " " + string(out)
}

// embeddedNode is an `accord serve` on the embedded store that can be stopped and started
// again on the same data directory and address.
type embeddedNode struct {
	t     *testing.T
	bin   string
	dir   string
	addr  string
	extra []string
	proc  *accordProc
	hc    *http.Client
}

// startEmbedded starts an instance on a fresh data directory and a free loopback port, with
// the extra serve flags; it is killed when the test ends.
func startEmbedded(t *testing.T, bin string, extra ...string) *embeddedNode {
	t.Helper()
	n := &embeddedNode{t: t, bin: bin, dir: t.TempDir(), extra: extra, hc: &http.Client{Timeout: 30 * time.Second}}
	for attempt := 0; ; attempt++ {
		addr, err := pickLoopbackAddr()
		if err != nil {
			t.Fatal(err)
		}
		err = n.start(addr)
		if err == nil {
			return n
		}
		if !strings.Contains(n.proc.logs.String(), "address already in use") || attempt >= 3 {
			t.Fatalf("%v\n%s", err, n.proc.logs.String())
		}
	}
}

// start runs the instance on addr and waits until it is ready.
func (n *embeddedNode) start(addr string) error {
	argv := append([]string{"serve", "--listen", addr, "--data-dir", n.dir, "--log-level", "info"}, n.extra...)
	p, err := launchAccord(n.bin, addr, argv)
	if err != nil {
		return err
	}
	n.addr, n.proc = addr, p
	n.t.Cleanup(func() {
		p.kill(n.t)
		if n.t.Failed() {
			logs := p.logs.String()
			if len(logs) > 12000 {
				logs = "…" + logs[len(logs)-12000:]
			}
			n.t.Logf("logs of the instance at %s:\n%s", p.url, logs)
		}
	})
	return waitReady(n.hc, p, time.Minute)
}

// restart starts the stopped instance again on its data directory and address.
func (n *embeddedNode) restart() {
	n.t.Helper()
	if err := n.start(n.addr); err != nil {
		n.t.Fatalf("restart on %s: %v\n%s", n.addr, err, n.proc.logs.String())
	}
}

// stop stops the instance with SIGTERM and waits until it has exited.
func (n *embeddedNode) stop() {
	n.t.Helper()
	if err := n.proc.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		n.t.Fatal(err)
	}
	select {
	case <-n.proc.done:
	case <-time.After(30 * time.Second):
		n.t.Fatalf("%s did not stop within 30 s of SIGTERM", n.proc.url)
	}
}

func (n *embeddedNode) url() string { return "http://" + n.addr }

func (n *embeddedNode) api() jsonClient { return jsonClient{base: n.url(), hc: n.hc} }

// mustCall sends a request and fails the test unless it is answered 200.
func mustCall(t *testing.T, c jsonClient, method, path string, body any) []byte {
	t.Helper()
	status, data, err := c.call(context.Background(), method, path, body, nil)
	if err != nil || status != http.StatusOK {
		t.Fatalf("%s %s%s: %d %s %v", method, c.base, path, status, data, err)
	}
	return data
}
