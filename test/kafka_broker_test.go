package test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accord-registry/accord/test/kafkatest"
)

// The phases of TestKafkaBrokerRestart, in order.
const (
	phaseUp         int32 = iota // the broker runs
	phaseDown                    // the broker was killed
	phaseRestarting              // the broker is starting again
	phaseRestarted               // the broker is ready again
)

var phaseNames = []string{"up", "down", "restarting", "restarted"}

const (
	// outageWriteTimeout is the instances' --write-timeout.
	outageWriteTimeout = 3 * time.Second
	// failBound is how long a write sent before the restart, or a failing one, may take: the
	// write timeout, plus the two seconds the leader gives its producer to abort a transaction
	// after a failed write, plus two for a loaded machine.
	failBound = outageWriteTimeout + 4*time.Second
	// outage is how long the broker stays down: several write timeouts, and past the group
	// session, so that writes meet a leader that has stepped down as well as one that has not.
	outage = 10 * time.Second
	// recoveryDeadline bounds the wait, after the broker is ready again, for writes to succeed
	// through every instance.
	recoveryDeadline = 90 * time.Second
)

// TestKafkaBrokerRestart kills the Kafka broker under two Accord instances while clients
// register schemas and read them through both, then restarts it. While Kafka is down, reads
// keep answering 200 from memory with the data written before, and writes fail with a 5xx
// Confluent error within a bounded time instead of hanging. Once Kafka is back, writes succeed
// again through both instances without restarting them, every acknowledged write is there with
// its id, and no id names two schemas, in the instances' answers or in the topic.
//
// It runs on a private broker (kafkatest.StartBroker), since it kills it, and not in parallel
// with other tests, since it bounds response times.
func TestKafkaBrokerRestart(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("starts a Kafka broker and two instances; skipped with -short")
	}
	b := kafkatest.StartBroker(t)
	c := startOutageCluster(t, b.Addr())
	o := newBrokerOutage(t, c)
	o.setUp()

	ctx, stopTraffic := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i, n := range c.nodes {
		for w := range 2 {
			wg.Go(func() { o.writeLoop(ctx, n, 2*i+w) })
			wg.Go(func() { o.readLoop(ctx, n, uint64(2*i+w)) })
		}
	}
	defer func() { stopTraffic(); wg.Wait() }()

	o.waitAcks(t, phaseUp, 20, 30*time.Second)
	killed := time.Now()
	o.killing.Store(true) // from now on writes may fail
	b.Kill(t)
	o.phase.Store(phaseDown) // after the JVM is gone: no write sent from now on can succeed
	t.Logf("broker killed with %d registrations acknowledged", o.acks(phaseUp))
	time.Sleep(outage - time.Since(killed))

	o.phase.Store(phaseRestarting)
	restart := time.Now()
	b.Restart(t)
	ready := time.Now()
	o.phase.Store(phaseRestarted)
	t.Logf("broker down for %v, ready %v after its restart began", restart.Sub(killed).Round(time.Millisecond), ready.Sub(restart).Round(time.Millisecond))
	o.waitRecovered(t, restart, ready)

	stopTraffic()
	wg.Wait()
	o.report(t)
	o.checkAnsweredDuringOutage(t)
	c.waitApplied(t, time.Minute, false) // who leads is beside the point here
	c.checkRegistry(t, o.led, false)
	recs := c.readTopic(t)
	checkTopicSchemas(t, recs)
	t.Logf("topic: %d records from %d producer epochs (one per transaction at transaction.version 2)", len(recs), len(checkProducerEpochs(t, recs)))
}

// startOutageCluster starts two instances on the broker at addr with a short group session,
// so that leadership reacts to the outage within two seconds, and a short write timeout.
func startOutageCluster(t *testing.T, addr string) *kafkaCluster {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	c := &kafkaCluster{t: t, bin: buildAccord(t), brokers: []string{addr}, topic: kafkatest.Topic(t),
		group: kafkatest.Group(t), timing: fastElection, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
	t.Cleanup(c.dumpLogsIfFailed)
	flags := func(listen string) []string {
		return []string{"--kafka-brokers", addr, "--kafka-topic", c.topic, "--group-id", c.group,
			"--advertised-url", "http://" + listen, "--kafka-replication-factor", "1",
			"--group-session-timeout", c.timing.session.String(), "--group-heartbeat-interval", c.timing.heartbeat.String(),
			"--write-timeout", outageWriteTimeout.String()}
	}
	for i := range 2 {
		n := &kafkaNode{name: fmt.Sprintf("accord-%d", i), dir: t.TempDir()}
		p := startAccordWith(t, c.bin, n.dir, flags)
		n.addr, n.proc, n.runs = strings.TrimPrefix(p.url, "http://"), p, []*accordProc{p}
		c.nodes = append(c.nodes, n)
	}
	return c
}

// brokerOutage is the traffic of TestKafkaBrokerRestart and what it observed.
type brokerOutage struct {
	t       *testing.T
	c       *kafkaCluster
	led     *ackLedger
	phase   atomic.Int32
	killing atomic.Bool // set just before the broker is killed

	mu        sync.Mutex // guards the following fields
	initial   []ackedRegistration
	acked     map[string]int                // "phase node" -> acknowledged writes
	firstAck  map[string]time.Time          // node -> first acknowledgement in phaseRestarted
	failed    map[string]int                // "phase node status/error_code" -> failed writes
	slowest   map[string]time.Duration      // phase -> slowest failed write
	reads     map[string]int                // "phase node path kind" -> 200 answers
	seen      map[*kafkaNode]map[int]bool   // ids each node has served
	latestVer map[*kafkaNode]map[string]int // highest latest version each node has served
}

func newBrokerOutage(t *testing.T, c *kafkaCluster) *brokerOutage {
	o := &brokerOutage{t: t, c: c, led: newAckLedger(), acked: map[string]int{}, firstAck: map[string]time.Time{},
		failed: map[string]int{}, slowest: map[string]time.Duration{}, reads: map[string]int{},
		seen: map[*kafkaNode]map[int]bool{}, latestVer: map[*kafkaNode]map[string]int{}}
	for _, n := range c.nodes {
		o.seen[n], o.latestVer[n] = map[int]bool{}, map[string]int{}
	}
	return o
}

// outageSubjects are the subjects the writers register into.
var outageSubjects = []string{"outage-a", "outage-b", "outage-c", "outage-d"}

// setUp waits until the instances agree on a leader, sets compatibility NONE (each write is a
// new record), registers a schema into each subject and waits until both instances serve them.
func (o *brokerOutage) setUp() {
	t := o.t
	t.Helper()
	waitAgreedLeader(t, o.c.nodes)
	for _, n := range o.c.nodes {
		var status int
		var body []byte
		ok := poll(time.Minute, func() bool {
			status, body, _ = o.c.api(n).call(context.Background(), http.MethodPut, "/config", map[string]string{"compatibility": "NONE"}, nil)
			return status == http.StatusOK
		})
		if !ok {
			t.Fatalf("%s: PUT /config did not succeed within a minute: %d %s", n.name, status, body)
		}
	}
	for i, subject := range outageSubjects {
		n := o.c.nodes[i%len(o.c.nodes)]
		schema := fmt.Sprintf(`{"type":"record","name":"Initial%d","fields":[{"name":"f","type":"long"}]}`, i)
		var (
			got    struct{ ID, Version int }
			status int
			body   []byte
			err    error
		)
		if !poll(30*time.Second, func() bool {
			status, body, err = o.c.api(n).call(context.Background(), http.MethodPost, "/subjects/"+subject+"/versions", schemaBody(schema), &got)
			return err == nil && status == http.StatusOK
		}) {
			t.Fatalf("%s: register into %s: %d %s %v", n.name, subject, status, body, err)
		}
		r := ackedRegistration{subject: subject, schema: schema, id: got.ID, version: got.Version}
		o.led.ack(t, r)
		o.initial = append(o.initial, r)
	}
	for _, n := range o.c.nodes {
		for _, r := range o.initial {
			if !poll(10*time.Second, func() bool { return o.readID(n, r) == nil }) {
				t.Fatalf("%s does not serve id %d 10s after it was registered: %v", n.name, r.id, o.readID(n, r))
			}
		}
	}
}

// writeLoop registers a new schema through n, over and over, until ctx ends.
func (o *brokerOutage) writeLoop(ctx context.Context, n *kafkaNode, writer int) {
	for seq := 0; ctx.Err() == nil; seq++ {
		subject := outageSubjects[seq%len(outageSubjects)]
		schema := fmt.Sprintf(`{"type":"record","name":"W%d_%d","fields":[{"name":"f","type":"long"}]}`, writer, seq)
		phase := o.phase.Load()
		start := time.Now()
		var got struct{ ID, Version int }
		status, body, err := o.c.api(n).call(ctx, http.MethodPost, "/subjects/"+subject+"/versions", schemaBody(schema), &got)
		took := time.Since(start)
		switch {
		case ctx.Err() != nil:
			return
		case err == nil && status == http.StatusOK:
			if phase < phaseRestarting && took > failBound {
				o.t.Errorf("%s: write sent in phase %s succeeded after %v, want an answer within %v", n.name, phaseNames[phase], took.Round(time.Millisecond), failBound)
			}
			o.ack(n, phase, ackedRegistration{subject: subject, schema: schema, id: got.ID, version: got.Version})
		default:
			o.fail(n, phase, took, status, body, err)
			time.Sleep(50 * time.Millisecond) // failures come fast once no leader is known
		}
	}
}

func (o *brokerOutage) ack(n *kafkaNode, phase int32, r ackedRegistration) {
	if phase == phaseDown {
		o.t.Errorf("%s acknowledged %s/%d (id %d) although the request was sent while the broker was down", n.name, r.subject, r.version, r.id)
	}
	o.led.ack(o.t, r)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.acked[phaseNames[phase]+" "+n.name]++
	if _, ok := o.firstAck[n.name]; !ok && phase == phaseRestarted {
		o.firstAck[n.name] = time.Now()
	}
}

// fail checks a failed write: a 5xx answer with a store, timeout, forwarding or unknown-leader
// error_code, within failBound. While the broker is up only an election may fail a write
// (50003, 50004): the group session is short, and a loaded machine may miss it.
func (o *brokerOutage) fail(n *kafkaNode, phase int32, took time.Duration, status int, body []byte, err error) {
	code := errorCodeOf(body)
	switch {
	case err != nil:
		o.t.Errorf("%s: write sent in phase %s: no answer after %v: %v", n.name, phaseNames[phase], took, err)
	case status < 500 || !slices.Contains([]int{50001, 50002, 50003, 50004}, code):
		o.t.Errorf("%s: write sent in phase %s: %d %s, want 5xx with error_code 50001, 50002, 50003 or 50004", n.name, phaseNames[phase], status, body)
	case !o.killing.Load() && code < 50003:
		o.t.Errorf("%s: write failed while the broker was up: %d %s", n.name, status, body)
	case took > failBound:
		o.t.Errorf("%s: write sent in phase %s failed after %v, want within %v: %d %s", n.name, phaseNames[phase], took.Round(time.Millisecond), failBound, status, body)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failed[fmt.Sprintf("%s %s %d/%d", phaseNames[phase], n.name, status, code)]++
	o.slowest[phaseNames[phase]] = max(o.slowest[phaseNames[phase]], took)
}

// readLoop reads through n, over and over, until ctx ends: a schema by id, a subject's latest
// version and the subject list. Each answer must be 200 in every phase, and consistent with
// the acknowledged writes and with what n served before.
func (o *brokerOutage) readLoop(ctx context.Context, n *kafkaNode, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 42))
	for ctx.Err() == nil {
		phase := o.phase.Load()
		if err := o.readRandomID(n, phase, rng); err != nil && ctx.Err() == nil {
			o.t.Errorf("%s, phase %s: %v", n.name, phaseNames[phase], err)
		}
		subject := outageSubjects[rng.IntN(len(outageSubjects))]
		if err := o.readLatest(n, phase, subject); err != nil && ctx.Err() == nil {
			o.t.Errorf("%s, phase %s: %v", n.name, phaseNames[phase], err)
		}
		if err := o.readSubjects(n, phase); err != nil && ctx.Err() == nil {
			o.t.Errorf("%s, phase %s: %v", n.name, phaseNames[phase], err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// readRandomID reads an acknowledged id through n. An id n has not served yet may be missing
// (n may not have read it from the topic yet, and cannot while Kafka is down); one it has
// served, and the initial ones, must be there.
func (o *brokerOutage) readRandomID(n *kafkaNode, phase int32, rng *rand.Rand) error {
	o.led.mu.Lock()
	r := o.led.all[rng.IntN(len(o.led.all))]
	o.led.mu.Unlock()
	o.mu.Lock()
	mustServe := o.seen[n][r.id] || slices.Contains(o.initial, r)
	o.mu.Unlock()
	err := o.readID(n, r)
	if errors.Is(err, errNotServedYet) && !mustServe {
		return nil
	}
	if err == nil {
		o.countRead(n, phase, "/schemas/ids")
	}
	return err
}

// errNotServedYet is readID's answer for an id the instance does not know (yet).
var errNotServedYet = errors.New("not served yet")

// readID checks that n serves r's id with r's schema, and remembers that it does.
func (o *brokerOutage) readID(n *kafkaNode, r ackedRegistration) error {
	var got struct{ Schema string }
	status, body, err := o.c.api(n).call(context.Background(), http.MethodGet, fmt.Sprintf("/schemas/ids/%d", r.id), nil, &got)
	switch {
	case err != nil:
		return fmt.Errorf("GET /schemas/ids/%d: %w", r.id, err)
	case status == http.StatusNotFound && errorCodeOf(body) == 40403:
		return errNotServedYet
	case status != http.StatusOK || got.Schema != r.schema:
		return fmt.Errorf("GET /schemas/ids/%d = %d %s, want 200 with %s", r.id, status, body, r.schema)
	}
	o.mu.Lock()
	o.seen[n][r.id] = true
	o.mu.Unlock()
	return nil
}

// readLatest checks that n serves a latest version of subject that is no older than the
// latest it served before, and that agrees with the acknowledged writes.
func (o *brokerOutage) readLatest(n *kafkaNode, phase int32, subject string) error {
	var got struct {
		Subject     string
		Version, ID int
		Schema      string
	}
	// The floor is what n served before this request was sent: a concurrent reader's newer
	// answer may arrive while this one is in flight.
	o.mu.Lock()
	prev := o.latestVer[n][subject]
	o.mu.Unlock()
	path := "/subjects/" + url.PathEscape(subject) + "/versions/latest"
	status, body, err := o.c.api(n).call(context.Background(), http.MethodGet, path, nil, &got)
	if err != nil || status != http.StatusOK || got.Subject != subject {
		return fmt.Errorf("GET %s = %d %s %v, want 200", path, status, body, err)
	}
	if want, ok := o.ackedAt(subject, got.Version); ok && (want.schema != got.Schema || want.id != got.ID) {
		return fmt.Errorf("GET %s = id %d %s, acknowledged as id %d %s", path, got.ID, got.Schema, want.id, want.schema)
	}
	o.mu.Lock()
	o.latestVer[n][subject] = max(o.latestVer[n][subject], got.Version)
	o.mu.Unlock()
	if got.Version < prev {
		return fmt.Errorf("GET %s = version %d, after version %d", path, got.Version, prev)
	}
	o.countRead(n, phase, "/versions/latest")
	return nil
}

// ackedAt returns the acknowledged registration of subject's version, if any.
func (o *brokerOutage) ackedAt(subject string, version int) (ackedRegistration, bool) {
	o.led.mu.Lock()
	defer o.led.mu.Unlock()
	schema, ok := o.led.atVersion[fmt.Sprintf("%s/%d", subject, version)]
	if !ok {
		return ackedRegistration{}, false
	}
	return ackedRegistration{subject: subject, version: version, schema: schema, id: o.led.idOf[schema]}, true
}

// readSubjects checks that n lists every subject.
func (o *brokerOutage) readSubjects(n *kafkaNode, phase int32) error {
	var got []string
	status, body, err := o.c.api(n).call(context.Background(), http.MethodGet, "/subjects", nil, &got)
	if err != nil || status != http.StatusOK {
		return fmt.Errorf("GET /subjects = %d %s %v, want 200", status, body, err)
	}
	for _, s := range outageSubjects {
		if !slices.Contains(got, s) {
			return fmt.Errorf("GET /subjects = %s, without %s", body, s)
		}
	}
	o.countRead(n, phase, "/subjects")
	return nil
}

func (o *brokerOutage) countRead(n *kafkaNode, phase int32, what string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.reads[fmt.Sprintf("%s %s %s", phaseNames[phase], n.name, what)]++
}

// acks returns the number of writes acknowledged that were sent in phase.
func (o *brokerOutage) acks(phase int32) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	total := 0
	for _, n := range o.c.nodes {
		total += o.acked[phaseNames[phase]+" "+n.name]
	}
	return total
}

// waitAcks waits until each instance acknowledged at least want writes sent in phase.
func (o *brokerOutage) waitAcks(t *testing.T, phase int32, want int, timeout time.Duration) {
	t.Helper()
	ok := poll(timeout, func() bool {
		o.mu.Lock()
		defer o.mu.Unlock()
		for _, n := range o.c.nodes {
			if o.acked[phaseNames[phase]+" "+n.name] < want {
				return false
			}
		}
		return true
	})
	if !ok {
		o.mu.Lock()
		defer o.mu.Unlock()
		t.Fatalf("fewer than %d writes acknowledged through each instance in phase %s after %v: %v; failures %v",
			want, phaseNames[phase], timeout, o.acked, o.failed)
	}
}

// waitRecovered waits until writes succeed through every instance again, and logs how long
// after the broker's restart the first one did.
func (o *brokerOutage) waitRecovered(t *testing.T, restart, ready time.Time) {
	t.Helper()
	o.waitAcks(t, phaseRestarted, 10, recoveryDeadline)
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, n := range o.c.nodes {
		at := o.firstAck[n.name]
		t.Logf("%s: first write acknowledged %v after the broker restart began, %v after the broker was ready",
			n.name, at.Sub(restart).Round(time.Millisecond), at.Sub(ready).Round(time.Millisecond))
	}
}

// report logs the counts of acknowledged and failed writes and of reads, by phase and node.
func (o *brokerOutage) report(t *testing.T) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, m := range []map[string]int{o.acked, o.failed, o.reads} {
		var lines []string
		for _, k := range slices.Sorted(maps.Keys(m)) {
			lines = append(lines, fmt.Sprintf("%s: %d", k, m[k]))
		}
		t.Logf("%s", strings.Join(lines, ", "))
	}
	t.Logf("slowest failed write by phase: %v (bound %v)", o.slowest, failBound)
}

// checkAnsweredDuringOutage fails the test unless every instance answered each kind of read,
// and failed writes, while the broker was down: a test that saw none would prove nothing.
func (o *brokerOutage) checkAnsweredDuringOutage(t *testing.T) {
	o.mu.Lock()
	defer o.mu.Unlock()
	down := phaseNames[phaseDown]
	for _, n := range o.c.nodes {
		for _, what := range []string{"/schemas/ids", "/versions/latest", "/subjects"} {
			if got := o.reads[fmt.Sprintf("%s %s %s", down, n.name, what)]; got < 10 {
				t.Errorf("%s answered %d %s reads sent while the broker was down, want at least 10", n.name, got, what)
			}
		}
		failed := 0
		for k, v := range o.failed {
			if strings.HasPrefix(k, down+" "+n.name+" ") {
				failed += v
			}
		}
		if failed < 5 {
			t.Errorf("%s answered %d writes sent while the broker was down, want at least 5", n.name, failed)
		}
	}
}

// leaderElected matches the election's log line, as in
// msg="leader elected" component=kafkagroup ... url=http://127.0.0.1:8081 self=true generation=3.
var leaderElected = regexp.MustCompile(`msg="leader elected".* url=(\S+) self=(true|false) generation=(\d+)`)

// election is what an instance's last "leader elected" log line says.
type election struct {
	url, generation string
	self            bool
}

// lastElection returns the election an instance's logs report last; ok is false before the
// first.
func lastElection(logs string) (e election, ok bool) {
	all := leaderElected.FindAllStringSubmatch(logs, -1)
	if len(all) == 0 {
		return election{}, false
	}
	m := all[len(all)-1]
	return election{url: m[1], self: m[2] == "true", generation: m[3]}, true
}

// waitAgreedLeader waits until every node's last election names the same leader in the same
// generation: the group has settled after the instances joined it one after the other.
func waitAgreedLeader(t *testing.T, nodes []*kafkaNode) {
	t.Helper()
	var seen []election
	ok := poll(time.Minute, func() bool {
		seen = seen[:0]
		for _, n := range nodes {
			e, ok := lastElection(n.current().logs.String())
			if !ok || len(seen) > 0 && (e.url != seen[0].url || e.generation != seen[0].generation) {
				return false
			}
			seen = append(seen, e)
		}
		return true
	})
	if !ok {
		t.Fatalf("the instances do not agree on a leader after a minute: %+v", seen)
	}
}
