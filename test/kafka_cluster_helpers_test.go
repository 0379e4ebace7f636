package test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/accord-registry/accord/test/kafkatest"
)

// kafkaCluster is several `accord serve` processes on one Kafka topic and one election group,
// as the registry runs in production: each instance has its own data directory (for its
// snapshot of the topic) and advertises its own loopback URL.
type kafkaCluster struct {
	t       *testing.T
	bin     string
	brokers []string
	topic   string
	group   string
	timing  groupTiming
	hc      *http.Client
	nodes   []*kafkaNode
}

// groupTiming is the election's session timeout and heartbeat interval. The zero value means
// the production defaults: the flags are not passed at all.
type groupTiming struct {
	session, heartbeat time.Duration
}

// fastElection detects a dead leader in about two seconds, for the tests that kill leaders
// over and over.
var fastElection = groupTiming{session: 2 * time.Second, heartbeat: 300 * time.Millisecond}

// steadyElection converges as fast (rebalances spread within a heartbeat) but keeps a
// production session, so that a busy machine's pauses do not depose a leader: for the tests
// in which the leader must not change.
var steadyElection = groupTiming{session: 10 * time.Second, heartbeat: 500 * time.Millisecond}

// chaosElection is for TestKafkaClusterChaos, which kills leaders under load. Its session
// leaves a starved instance more room than fastElection's: kfake, unlike Kafka, also expires
// a member while its JoinGroup waits for the others to rejoin, and never answers that
// JoinGroup, so an instance that waits longer than a session for a slow peer knows no leader
// until kgo gives up on the request (the rebalance timeout, 300 s, plus 10 s).
var chaosElection = groupTiming{session: 5 * time.Second, heartbeat: 300 * time.Millisecond}

// kafkaNode is one instance of a kafkaCluster. Its data directory, and its address when the
// port is still free, survive restarts.
type kafkaNode struct {
	name string
	dir  string

	mu   sync.Mutex // guards the following fields
	addr string
	proc *accordProc   // the current process
	runs []*accordProc // every process started, oldest first, for their logs
}

func (n *kafkaNode) url() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return "http://" + n.addr
}

func (n *kafkaNode) current() *accordProc {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.proc
}

// startKafkaCluster starts size instances on a fresh topic and group and waits until each is
// ready. Their logs are printed if the test fails; the processes are killed when it ends.
func startKafkaCluster(t *testing.T, size int, timing groupTiming) *kafkaCluster {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	c := &kafkaCluster{t: t, bin: buildAccord(t), brokers: kafkatest.Brokers(t), topic: kafkatest.Topic(t),
		group: kafkatest.Group(t), timing: timing, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
	t.Cleanup(c.dumpLogsIfFailed)
	for i := range size {
		n := &kafkaNode{name: fmt.Sprintf("accord-%d", i), dir: t.TempDir()}
		c.nodes = append(c.nodes, n)
		addr, err := pickLoopbackAddr()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.start(n, addr); err != nil {
			t.Fatalf("%s: %v", n.name, err)
		}
	}
	return c
}

// serveArgs are the `accord serve` arguments of node n listening on addr.
func (c *kafkaCluster) serveArgs(n *kafkaNode, addr string) []string {
	args := []string{"serve", "--listen", addr, "--data-dir", n.dir, "--log-level", "info",
		"--kafka-brokers", strings.Join(c.brokers, ","), "--kafka-topic", c.topic, "--group-id", c.group,
		"--advertised-url", "http://" + addr, "--kafka-replication-factor", "1",
		// Topics of this cluster's own: on a broker shared by the tests, an exporter defined
		// in one test would otherwise be run by the leaders of every other.
		"--kafka-exporter-configs-topic", c.topic + "-exporter-configs", "--kafka-exporter-states-topic", c.topic + "-exporter-states"}
	if c.timing.session > 0 {
		args = append(args, "--group-session-timeout", c.timing.session.String(),
			"--group-heartbeat-interval", c.timing.heartbeat.String())
	}
	return args
}

// start runs node n on addr and waits until it is ready. It reports failure rather than
// ending the test, so a goroutine may call it.
func (c *kafkaCluster) start(n *kafkaNode, addr string) error {
	p, err := launchAccord(c.bin, addr, c.serveArgs(n, addr))
	if err != nil {
		return err
	}
	c.t.Cleanup(func() { p.kill(c.t) })
	n.mu.Lock()
	n.addr, n.proc, n.runs = addr, p, append(n.runs, p)
	n.mu.Unlock()
	return waitReady(c.hc, p, time.Minute)
}

// restart starts node n again on its data directory and address, or on a new address if
// another socket took the port while the instance was down.
func (c *kafkaCluster) restart(n *kafkaNode) error {
	old := strings.TrimPrefix(n.url(), "http://")
	err := c.start(n, old)
	if err == nil || !strings.Contains(n.current().logs.String(), "address already in use") {
		return err
	}
	addr, perr := pickLoopbackAddr()
	if perr != nil {
		return perr
	}
	c.t.Logf("%s: port of %s taken while it was down, restarting on %s", n.name, old, addr)
	return c.start(n, addr)
}

// launchAccord starts the binary with argv, which make it listen on addr, without the
// caller's ACCORD_ variables.
func launchAccord(bin, addr string, argv []string) (*accordProc, error) {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ACCORD_") {
			env = append(env, kv)
		}
	}
	p := &accordProc{url: "http://" + addr, logs: &syncLogBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, argv...)
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	p.cmd.WaitDelay = 10 * time.Second
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		p.exitErr = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// waitReady polls /readyz until it answers 200, the process exits or timeout passes.
func waitReady(hc *http.Client, p *accordProc, timeout time.Duration) error {
	ready := poll(timeout, func() bool {
		select {
		case <-p.done:
			return true
		default:
		}
		resp, err := hc.Get(p.url + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	select {
	case <-p.done:
		return fmt.Errorf("%s exited before it was ready: %v", p.url, p.exitErr)
	default:
	}
	if !ready {
		return fmt.Errorf("%s not ready after %v", p.url, timeout)
	}
	return nil
}

// pickLoopbackAddr returns a loopback address whose port was free a moment ago.
func pickLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// poll checks cond every 10ms until it holds (true) or timeout passes (false). Unlike
// pollUntil it does not end the test, so goroutines may use it.
func poll(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// dumpLogsIfFailed prints the logs of every process the cluster ran, if the test failed.
func (c *kafkaCluster) dumpLogsIfFailed() {
	if !c.t.Failed() {
		return
	}
	for _, n := range c.nodes {
		n.mu.Lock()
		runs := slices.Clone(n.runs)
		n.mu.Unlock()
		for i, p := range runs {
			logs := p.logs.String()
			if len(logs) > 12000 {
				logs = "…" + logs[len(logs)-12000:]
			}
			c.t.Logf("logs of %s run %d (%s):\n%s", n.name, i+1, p.url, logs)
		}
	}
}

// countLogLines counts the log lines, over every process the cluster ran, that contain word.
func (c *kafkaCluster) countLogLines(word string) int {
	count := 0
	for _, n := range c.nodes {
		n.mu.Lock()
		runs := slices.Clone(n.runs)
		n.mu.Unlock()
		for _, p := range runs {
			count += len(relevantLogLines(p.logs.String(), word))
		}
	}
	return count
}

// api is a client for node n's current address.
func (c *kafkaCluster) api(n *kafkaNode) jsonClient {
	return jsonClient{base: n.url(), hc: c.hc}
}

// without returns the cluster's nodes except those given.
func (c *kafkaCluster) without(gone ...*kafkaNode) []*kafkaNode {
	return slices.DeleteFunc(slices.Clone(c.nodes), func(n *kafkaNode) bool { return slices.Contains(gone, n) })
}

// readiness is a 200 answer of GET /readyz.
type readiness struct {
	Status   string `json:"status"`
	Offset   int64  `json:"offset"`
	Leader   string `json:"leader"`
	IsLeader bool   `json:"is_leader"`
}

func (c *kafkaCluster) readiness(n *kafkaNode) (readiness, error) {
	var r readiness
	status, body, err := c.api(n).call(context.Background(), http.MethodGet, "/readyz", nil, &r)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("GET /readyz: %d %s", status, body)
	}
	return r, err
}

// agreedLeader returns the node that nodes agree leads: every one of them is ready and names
// the same leader URL, and exactly that node says it is the leader.
func (c *kafkaCluster) agreedLeader(nodes []*kafkaNode) (*kafkaNode, error) {
	var leader *kafkaNode
	want := ""
	for _, n := range nodes {
		r, err := c.readiness(n)
		switch {
		case err != nil:
			return nil, fmt.Errorf("%s: %w", n.name, err)
		case r.Leader == "":
			return nil, fmt.Errorf("%s knows no leader", n.name)
		case want != "" && r.Leader != want:
			return nil, fmt.Errorf("%s says the leader is %s, another says %s", n.name, r.Leader, want)
		case r.IsLeader != (r.Leader == n.url()):
			return nil, fmt.Errorf("%s (%s) says is_leader %v and leader %s", n.name, n.url(), r.IsLeader, r.Leader)
		}
		want = r.Leader
		if r.IsLeader {
			leader = n
		}
	}
	if leader == nil {
		return nil, fmt.Errorf("none of the nodes is the leader they name, %s", want)
	}
	return leader, nil
}

// awaitLeader polls until nodes agree on a leader, for up to timeout.
func (c *kafkaCluster) awaitLeader(nodes []*kafkaNode, timeout time.Duration) (*kafkaNode, error) {
	var (
		leader *kafkaNode
		err    error
	)
	poll(timeout, func() bool {
		leader, err = c.agreedLeader(nodes)
		return err == nil
	})
	return leader, err
}

// waitForLeader is awaitLeader that ends the test on failure; it returns the leader and the
// others.
func (c *kafkaCluster) waitForLeader(t *testing.T, nodes []*kafkaNode, timeout time.Duration) (*kafkaNode, []*kafkaNode) {
	t.Helper()
	leader, err := c.awaitLeader(nodes, timeout)
	if err != nil {
		t.Fatalf("no agreed leader after %v: %v", timeout, err)
	}
	return leader, slices.DeleteFunc(slices.Clone(nodes), func(n *kafkaNode) bool { return n == leader })
}

// waitCaughtUp waits until every node is up, they agree on a leader, and each has applied the
// whole topic, so that their answers can be compared.
func (c *kafkaCluster) waitCaughtUp(t *testing.T, timeout time.Duration) {
	t.Helper()
	c.waitApplied(t, timeout, true)
}

// waitApplied waits until each node has applied the whole topic and, if askLeader, the nodes
// agree on a leader.
func (c *kafkaCluster) waitApplied(t *testing.T, timeout time.Duration, askLeader bool) {
	t.Helper()
	adm := c.admin(t)
	var why error
	ok := poll(timeout, func() bool {
		if askLeader {
			if _, why = c.agreedLeader(c.nodes); why != nil {
				return false
			}
		}
		ends, err := adm.ListEndOffsets(context.Background(), c.topic)
		if err != nil {
			why = err
			return false
		}
		end, _ := ends.Lookup(c.topic, 0)
		for _, n := range c.nodes {
			r, err := c.readiness(n)
			if err != nil || r.Offset != end.Offset-1 {
				why = fmt.Errorf("%s applied offset %d (%v), the topic ends at %d", n.name, r.Offset, err, end.Offset)
				return false
			}
		}
		return true
	})
	if !ok {
		t.Fatalf("instances not caught up after %v: %v", timeout, why)
	}
}

// admin is an admin client on the cluster's brokers, closed when the test ends.
func (c *kafkaCluster) admin(t *testing.T) *kadm.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.brokers...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return kadm.NewClient(cl)
}

// retryingClient sends each request to one instance and, after a connection failure or a
// 5xx answer (an instance down, a leader being elected or fenced), again to the next one,
// until it gets any other answer or ctx ends. Registering the same schema again is
// idempotent, so a retry cannot register twice.
type retryingClient struct {
	c       *kafkaCluster
	retries atomic.Int64

	mu     sync.Mutex     // guards causes
	causes map[string]int // why requests were retried: an error_code or "connection"
}

func newRetryingClient(c *kafkaCluster) *retryingClient {
	return &retryingClient{c: c, causes: map[string]int{}}
}

// call tries the nodes in turn from index first on.
func (r *retryingClient) call(ctx context.Context, first int, method, path string, body, into any) (int, []byte, error) {
	backoff := 20 * time.Millisecond
	for attempt := 0; ; attempt++ {
		n := r.c.nodes[(first+attempt)%len(r.c.nodes)]
		status, data, err := r.c.api(n).call(ctx, method, path, body, into)
		if err == nil && status < 500 {
			return status, data, nil
		}
		if ctx.Err() != nil {
			return status, data, fmt.Errorf("gave up after %d attempts, last on %s: %d %s %v", attempt+1, n.name, status, data, err)
		}
		r.countRetry(status, data, err)
		time.Sleep(backoff)
		backoff = min(2*backoff, 500*time.Millisecond)
	}
}

func (r *retryingClient) countRetry(status int, data []byte, err error) {
	cause := "connection"
	if err == nil {
		cause = fmt.Sprintf("%d/%d", status, errorCodeOf(data))
	}
	r.retries.Add(1)
	r.mu.Lock()
	r.causes[cause]++
	r.mu.Unlock()
}

// summary lists the retries by cause, "connection:12 500/50003:4".
func (r *retryingClient) summary() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(r.causes)) {
		parts = append(parts, fmt.Sprintf("%s:%d", k, r.causes[k]))
	}
	return strings.Join(parts, " ")
}

// errorCodeOf returns the error_code of an error body, or 0.
func errorCodeOf(body []byte) int {
	var e struct {
		Code int `json:"error_code"`
	}
	_ = json.Unmarshal(body, &e)
	return e.Code
}

// listedVersion is one entry of GET /schemas?deleted=true.
type listedVersion struct {
	Subject    string `json:"subject"`
	Version    int    `json:"version"`
	ID         int    `json:"id"`
	SchemaType string `json:"schemaType"`
	Schema     string `json:"schema"`
	References []struct {
		Name, Subject string
		Version       int
	} `json:"references"`
}

// content identifies the schema a version holds: type, text and references.
func (v listedVersion) content() string {
	refs, _ := json.Marshal(v.References)
	return v.SchemaType + " " + v.Schema + " " + string(refs)
}

// listVersions returns every version the instance lists, soft-deleted ones included, and the
// paths of the pages it read.
func listVersions(t *testing.T, api jsonClient) ([]listedVersion, []string) {
	t.Helper()
	const limit = 1000
	var (
		all   []listedVersion
		pages []string
	)
	for offset := 0; ; offset += limit {
		var page []listedVersion
		path := fmt.Sprintf("/schemas?deleted=true&offset=%d&limit=%d", offset, limit)
		pages = append(pages, path)
		if status, body, err := api.call(context.Background(), http.MethodGet, path, nil, &page); err != nil || status != http.StatusOK {
			t.Fatalf("GET %s%s: %d %s %v", api.base, path, status, body, err)
		}
		all = append(all, page...)
		if len(page) < limit {
			return all, pages
		}
	}
}

// checkOneSchemaPerID fails the test if an id names two different schemas, or one
// subject-version is listed twice.
func checkOneSchemaPerID(t *testing.T, who string, versions []listedVersion) {
	t.Helper()
	byID := map[int]listedVersion{}
	seen := map[string]bool{}
	for _, v := range versions {
		if first, ok := byID[v.ID]; ok && first.content() != v.content() {
			t.Errorf("%s: id %d names %s/%d: %s and %s/%d: %s", who, v.ID, first.Subject, first.Version,
				first.content(), v.Subject, v.Version, v.content())
		}
		byID[v.ID] = v
		sv := fmt.Sprintf("%s/%d", v.Subject, v.Version)
		if seen[sv] {
			t.Errorf("%s: %s listed twice", who, sv)
		}
		seen[sv] = true
	}
}

// checkContiguousVersions fails the test unless every subject's versions are 1..n.
func checkContiguousVersions(t *testing.T, who string, versions []listedVersion) {
	t.Helper()
	bySubject := map[string][]int{}
	for _, v := range versions {
		bySubject[v.Subject] = append(bySubject[v.Subject], v.Version)
	}
	for subject, vs := range bySubject {
		slices.Sort(vs)
		for i, v := range vs {
			if v != i+1 {
				t.Errorf("%s: versions of %s are %v, want 1..%d", who, subject, vs, len(vs))
				break
			}
		}
	}
}

// registryPaths are the GET requests that show a registry's state: the listings, every
// subject's versions and configuration, and with perVersion each version and schema id.
func registryPaths(versions []listedVersion, pages []string, perVersion bool) []string {
	paths := append([]string{"/subjects", "/subjects?deleted=true", "/config", "/mode", "/schemas"}, pages...)
	subjects := map[string]bool{}
	ids := map[int]bool{}
	for _, v := range versions {
		esc := url.PathEscape(v.Subject)
		if !subjects[v.Subject] {
			subjects[v.Subject] = true
			paths = append(paths, "/subjects/"+esc+"/versions", "/subjects/"+esc+"/versions?deleted=true",
				"/config/"+esc, "/mode/"+esc)
		}
		if !perVersion {
			continue
		}
		paths = append(paths, fmt.Sprintf("/subjects/%s/versions/%d?deleted=true", esc, v.Version),
			fmt.Sprintf("/subjects/%s/versions/%d/referencedby", esc, v.Version))
		if !ids[v.ID] {
			ids[v.ID] = true
			paths = append(paths, fmt.Sprintf("/schemas/ids/%d", v.ID), fmt.Sprintf("/schemas/ids/%d/versions?deleted=true", v.ID),
				fmt.Sprintf("/schemas/ids/%d/subjects?deleted=true", v.ID))
		}
	}
	return paths
}

// answers sends each GET to one instance, 16 at a time, and returns "status body" by path.
func answers(t *testing.T, api jsonClient, paths []string) map[string]string {
	t.Helper()
	out := make(map[string]string, len(paths))
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		sem = make(chan struct{}, 16)
	)
	for _, path := range paths {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			status, body, err := api.call(context.Background(), http.MethodGet, path, nil, nil)
			if err != nil {
				t.Errorf("GET %s%s: %v", api.base, path, err)
			}
			mu.Lock()
			out[path] = fmt.Sprintf("%d %s", status, body)
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// checkInstancesAgree fails the test unless every node answers every path identically.
func (c *kafkaCluster) checkInstancesAgree(t *testing.T, paths []string) {
	t.Helper()
	want := answers(t, c.api(c.nodes[0]), paths)
	for _, n := range c.nodes[1:] {
		got := answers(t, c.api(n), paths)
		diffs := 0
		for _, path := range paths {
			if got[path] != want[path] && diffs < 10 {
				diffs++
				t.Errorf("GET %s: %s answers %.300s, %s answers %.300s", path, c.nodes[0].name, want[path], n.name, got[path])
			}
		}
	}
	t.Logf("%d GET requests answered identically by %d instances", len(paths), len(c.nodes))
}

// checkRegistry runs the invariant checks on every instance: each acknowledged registration
// is there with its id and version, no id names two schemas, versions are contiguous, and
// all instances give the same answers.
func (c *kafkaCluster) checkRegistry(t *testing.T, led *ackLedger, perVersion bool) []listedVersion {
	t.Helper()
	var versions []listedVersion
	var pages []string
	for i, n := range c.nodes {
		versions, pages = listVersions(t, c.api(n))
		checkOneSchemaPerID(t, n.name, versions)
		checkContiguousVersions(t, n.name, versions)
		led.verify(t, c.api(n), n.current(), i+1, rand.New(rand.NewPCG(uint64(i), 1)))
	}
	c.checkInstancesAgree(t, registryPaths(versions, pages, perVersion))
	return versions
}

// topicRecord is one committed record of the registry topic.
type topicRecord struct {
	offset        int64
	producerID    int64
	producerEpoch int16
	transactional bool
	key, value    []byte
}

// readTopic reads the committed records of the registry topic, read_committed from the start
// of partition 0 up to its current end. Control records are fetched only to know when the end
// is reached (the last offset is usually a commit marker); they are not returned.
func (c *kafkaCluster) readTopic(t *testing.T) []topicRecord {
	t.Helper()
	ends, err := c.admin(t).ListEndOffsets(context.Background(), c.topic)
	if err != nil {
		t.Fatal(err)
	}
	end, _ := ends.Lookup(c.topic, 0)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.brokers...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{c.topic: {0: kgo.NewOffset().AtStart()}}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out []topicRecord
	for next := int64(0); next < end.Offset; {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("reading %s: at offset %d of %d after a minute", c.topic, next, end.Offset)
		}
		fetches.EachError(func(_ string, _ int32, err error) { t.Logf("fetch: %v", err) })
		fetches.EachRecord(func(r *kgo.Record) {
			next = r.Offset + 1
			if !r.Attrs.IsControl() {
				out = append(out, topicRecord{offset: r.Offset, producerID: r.ProducerID, producerEpoch: r.ProducerEpoch,
					transactional: r.Attrs.IsTransactional(), key: r.Key, value: r.Value})
			}
		})
	}
	return out
}

// checkProducerEpochs fails the test if, in offset order, a committed transactional record
// comes from an older epoch of a producer id after a newer epoch of it was seen: a fenced
// producer must not commit after its successor initialised. It returns the runs of
// (producer id, epoch) for the log.
func checkProducerEpochs(t *testing.T, recs []topicRecord) []string {
	t.Helper()
	newest := map[int64]int16{}
	var runs []string
	last := ""
	for _, r := range recs {
		if !r.transactional {
			t.Errorf("offset %d: record not written in a transaction (producer %d epoch %d)", r.offset, r.producerID, r.producerEpoch)
			continue
		}
		if e, ok := newest[r.producerID]; ok && r.producerEpoch < e {
			t.Errorf("offset %d: committed by producer %d epoch %d after epoch %d had committed", r.offset, r.producerID, r.producerEpoch, e)
		}
		newest[r.producerID] = max(newest[r.producerID], r.producerEpoch)
		if run := fmt.Sprintf("producer %d epoch %d", r.producerID, r.producerEpoch); run != last {
			runs, last = append(runs, fmt.Sprintf("%s from offset %d", run, r.offset)), run
		}
	}
	return runs
}

// checkTopicSchemas fails the test if SCHEMA records in the topic bind one id to two schema
// texts or one subject-version to two ids, and returns the ids by subject-version.
func checkTopicSchemas(t *testing.T, recs []topicRecord) map[string]int {
	t.Helper()
	type schemaKey struct {
		KeyType string `json:"keytype"`
		Subject string `json:"subject"`
		Version int    `json:"version"`
	}
	textOf := map[int]string{}
	idOf := map[string]int{}
	for _, r := range recs {
		var k schemaKey
		if json.Unmarshal(r.key, &k) != nil || k.KeyType != "SCHEMA" || r.value == nil {
			continue
		}
		var v listedVersion
		if err := json.Unmarshal(r.value, &v); err != nil {
			t.Errorf("offset %d: SCHEMA value %s: %v", r.offset, r.value, err)
			continue
		}
		sv := fmt.Sprintf("%s/%d", k.Subject, k.Version)
		if text, ok := textOf[v.ID]; ok && text != v.content() {
			t.Errorf("offset %d: id %d bound to %s, earlier to %s", r.offset, v.ID, v.content(), text)
		}
		if id, ok := idOf[sv]; ok && id != v.ID {
			t.Errorf("offset %d: %s holds id %d, earlier id %d", r.offset, sv, v.ID, id)
		}
		textOf[v.ID], idOf[sv] = v.content(), v.ID
	}
	return idOf
}

// relevantLogLines returns the lines of logs that contain any of words.
func relevantLogLines(logs string, words ...string) []string {
	var out []string
	for line := range strings.SplitSeq(logs, "\n") {
		for _, w := range words {
			if strings.Contains(line, w) {
				out = append(out, line)
				break
			}
		}
	}
	return out
}
