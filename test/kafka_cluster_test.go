package test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestKafkaClusterForwarding runs three instances on one topic and sends writes of every kind
// (Avro, JSON Schema and Protobuf registrations with references, config and mode changes, a
// delete) through each follower and through the leader, and the same requests to an embedded
// single-node server. Every answer must equal the single node's: forwarding changes nothing
// and ids are those a direct registration gives. The follower that forwarded a write must
// show it at once, and afterwards all three instances must answer every GET alike, and like
// the single node.
func TestKafkaClusterForwarding(t *testing.T) {
	t.Parallel() // kills nothing and times nothing: load only slows it
	c := startKafkaCluster(t, 3, steadyElection)
	leader, followers := c.waitForLeader(t, c.nodes, 30*time.Second)
	t.Logf("leader %s, followers %s and %s", leader.url(), followers[0].url(), followers[1].url())
	ref := startServer(t, serverOptions{})
	via := map[string]*kafkaNode{"leader": leader, "follower A": followers[0], "follower B": followers[1]}

	for i, step := range forwardingSteps() {
		n := via[step.via]
		what := fmt.Sprintf("step %d: %s %s through %s", i+1, step.method, step.path, step.via)
		answer := sameAnswer(t, what, ref, c.api(n), step.method, step.path, step.body)
		if status, _, _ := strings.Cut(answer, " "); status != fmt.Sprint(step.status) {
			t.Errorf("%s: %s, want status %d", what, answer, step.status)
		}
		for _, path := range readBackPaths(step.method, step.path, answer) {
			sameAnswer(t, what+", read back at once from the same instance: GET "+path, ref, c.api(n), http.MethodGet, path, nil)
		}
	}
	if again, _ := c.waitForLeader(t, c.nodes, 10*time.Second); again != leader {
		t.Errorf("leader changed from %s to %s during the test", leader.url(), again.url())
	}

	c.waitCaughtUp(t, 30*time.Second)
	versions, pages := listVersions(t, c.api(leader))
	checkOneSchemaPerID(t, leader.name, versions)
	checkContiguousVersions(t, leader.name, versions)
	paths := registryPaths(versions, pages, true)
	c.checkInstancesAgree(t, paths)
	want := referenceAnswers(ref, paths)
	got := answers(t, c.api(followers[0]), paths)
	for _, path := range paths {
		if withoutTimestamps(got[path]) != withoutTimestamps(want[path]) {
			t.Errorf("GET %s: the cluster answers %.300s, a single node %.300s", path, got[path], want[path])
		}
	}
}

// skipIfShort skips the cluster tests that take more than a few seconds under -short, as the
// crash tests do (but not in CI).
func skipIfShort(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("runs three instances for a while; skipped with -short")
	}
}

// forwardingStep is one write of TestKafkaClusterForwarding, sent through the leader or a
// follower, and the status it must get.
type forwardingStep struct {
	via          string
	method, path string
	body         any
	status       int
}

func forwardingSteps() []forwardingStep {
	const (
		address  = `{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"city","type":"string"}]}`
		address2 = `{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"city","type":"string"},{"name":"zip","type":["null","string"],"default":null}]}`
		customer = `{"type":"record","name":"Customer","namespace":"com.acme","fields":[{"name":"name","type":"string"},{"name":"home","type":"com.acme.Address"}]}`
		jsonAddr = `{"$id":"https://acme.example/address.json","type":"object","properties":{"city":{"type":"string"}}}`
		person   = `{"type":"object","properties":{"name":{"type":"string"},"home":{"$ref":"https://acme.example/address.json"}},"required":["name"]}`
		money    = "syntax = \"proto3\";\npackage shop;\n\nmessage Money {\n  int64 units = 1;\n  string currency = 2;\n}\n"
		order    = "syntax = \"proto3\";\npackage shop;\nimport \"shop/common.proto\";\n\nmessage Order {\n  int64 id = 1;\n  Money total = 2;\n}\n"
		order2   = "syntax = \"proto3\";\npackage shop;\nimport \"shop/common.proto\";\n\nmessage Order {\n  int64 id = 1;\n  Money total = 2;\n  string note = 3;\n}\n"
	)
	ref := func(name, subject string) []map[string]any {
		return []map[string]any{{"name": name, "subject": subject, "version": 1}}
	}
	post := func(via, subject string, body map[string]any) forwardingStep {
		return forwardingStep{via, http.MethodPost, "/subjects/" + subject + "/versions", body, http.StatusOK}
	}
	return []forwardingStep{
		{"follower A", http.MethodPut, "/config", map[string]string{"compatibility": "BACKWARD_TRANSITIVE"}, http.StatusOK},
		post("follower A", "address-avro", map[string]any{"schema": address}),
		post("follower B", "customer-avro", map[string]any{"schema": customer, "references": ref("com.acme.Address", "address-avro")}),
		post("leader", "address-json", map[string]any{"schemaType": "JSON", "schema": jsonAddr}),
		post("follower A", "person-json", map[string]any{"schemaType": "JSON", "schema": person,
			"references": ref("https://acme.example/address.json", "address-json")}),
		post("follower B", "common-proto", map[string]any{"schemaType": "PROTOBUF", "schema": money}),
		post("leader", "order-proto", map[string]any{"schemaType": "PROTOBUF", "schema": order,
			"references": ref("shop/common.proto", "common-proto")}),
		post("follower A", "customer-avro", map[string]any{"schema": customer, "references": ref("com.acme.Address", "address-avro")}),
		post("follower B", "address-copy", map[string]any{"schema": address}),
		post("follower A", "address-avro", map[string]any{"schema": address2}),
		{"follower B", http.MethodPut, "/config/customer-avro", map[string]string{"compatibility": "FULL"}, http.StatusOK},
		{"follower A", http.MethodDelete, "/config/customer-avro", nil, http.StatusOK},
		{"follower B", http.MethodPut, "/mode/order-proto", map[string]string{"mode": "READONLY"}, http.StatusOK},
		{"follower A", http.MethodPost, "/subjects/order-proto/versions", map[string]any{"schemaType": "PROTOBUF", "schema": order2,
			"references": ref("shop/common.proto", "common-proto")}, http.StatusUnprocessableEntity},
		{"follower A", http.MethodDelete, "/mode/order-proto", nil, http.StatusOK},
		post("follower B", "order-proto", map[string]any{"schemaType": "PROTOBUF", "schema": order2,
			"references": ref("shop/common.proto", "common-proto")}),
		{"follower B", http.MethodDelete, "/subjects/address-copy/versions/1", nil, http.StatusOK},
		{"leader", http.MethodPut, "/mode/address-avro", map[string]string{"mode": "READONLY"}, http.StatusOK},
	}
}

// sameAnswer sends one request to the cluster instance and to the reference server, fails the
// test unless both answer alike but for timestamps, and returns the cluster's answer as
// "status body".
func sameAnswer(t *testing.T, what string, ref *server, api jsonClient, method, path string, body any) string {
	t.Helper()
	status, data, err := api.call(context.Background(), method, path, body, nil)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	got := fmt.Sprintf("%d %s", status, data)
	r := ref.do(method, path, body)
	if want := fmt.Sprintf("%d %s", r.Status, r.Body); withoutTimestamps(got) != withoutTimestamps(want) {
		t.Errorf("%s:\ncluster:     %s\nsingle node: %s", what, got, want)
	}
	return got
}

// withoutTimestamps drops every "ts" property from a "status body" answer: a version's ts is
// when its record was written, by Kafka's clock in the cluster and the file log's on a single
// node.
func withoutTimestamps(answer string) string {
	status, body, _ := strings.Cut(answer, " ")
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return answer
	}
	var drop func(any)
	drop = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			delete(v, "ts")
			for _, e := range v {
				drop(e)
			}
		case []any:
			for _, e := range v {
				drop(e)
			}
		}
	}
	drop(v)
	out, _ := json.Marshal(v)
	return status + " " + string(out)
}

// readBackPaths are the GETs that show the effect of a successful write.
func readBackPaths(method, path, answer string) []string {
	status, body, _ := strings.Cut(answer, " ")
	if status != "200" {
		return nil
	}
	switch {
	case method == http.MethodPost && strings.HasSuffix(path, "/versions"):
		var got struct{ ID, Version int }
		_ = json.Unmarshal([]byte(body), &got)
		return []string{fmt.Sprintf("%s/%d", path, got.Version), fmt.Sprintf("/schemas/ids/%d", got.ID), path}
	case strings.HasPrefix(path, "/subjects/"):
		subject, _, _ := strings.Cut(strings.TrimPrefix(path, "/subjects/"), "/")
		return []string{"/subjects/" + subject + "/versions", "/subjects/" + subject + "/versions?deleted=true"}
	}
	return []string{path} // config and mode
}

// referenceAnswers sends each GET to the reference server.
func referenceAnswers(ref *server, paths []string) map[string]string {
	out := make(map[string]string, len(paths))
	for _, path := range paths {
		r := ref.do(http.MethodGet, path, nil)
		out[path] = fmt.Sprintf("%d %s", r.Status, r.Body)
	}
	return out
}

// TestKafkaClusterFailover SIGKILLs the leader of three instances running with the production
// election timing (10s session, 3s heartbeat): within 15 seconds the two survivors must agree
// on a new leader and accept a write through the one that does not lead.
func TestKafkaClusterFailover(t *testing.T) {
	skipIfShort(t)
	c := startKafkaCluster(t, 3, groupTiming{})
	old, survivors := c.waitForLeader(t, c.nodes, time.Minute)
	register := func(n *kafkaNode, subject string) (int, []byte, error) {
		body := schemaBody(fmt.Sprintf(`{"type":"record","name":"Failover","fields":[{"name":"%s","type":"long"}]}`, strings.ReplaceAll(subject, "-", "_")))
		return c.api(n).call(context.Background(), http.MethodPost, "/subjects/"+subject+"/versions", body, nil)
	}
	// Steady traffic through the followers for a random 3–6s first, so that the kill falls at
	// any point of the leader's heartbeat cycle rather than right after the group formed.
	steady := time.Now().Add(3*time.Second + rand.N(3*time.Second))
	for i := 0; time.Now().Before(steady); i++ {
		if status, body, err := register(survivors[i%2], fmt.Sprintf("before-kill-%d", i)); err != nil || status != http.StatusOK {
			t.Fatalf("register through a follower before the kill: %d %s %v", status, body, err)
		}
	}

	killed := time.Now()
	old.current().kill(t)
	leader, err := c.awaitLeader(survivors, 15*time.Second)
	if err != nil {
		t.Fatalf("no new leader 15s after SIGKILL of %s: %v", old.url(), err)
	}
	elected := time.Since(killed)
	follower := c.without(old, leader)[0]
	var (
		status int
		body   []byte
	)
	written := poll(time.Until(killed.Add(15*time.Second)), func() bool {
		status, body, err = register(follower, "after-kill")
		return err == nil && status == http.StatusOK
	})
	if !written {
		t.Fatalf("no write through %s within 15s of the kill; last answer %d %s %v", follower.name, status, body, err)
	}
	t.Logf("takeover after SIGKILL of %s: %s elected after %v, first write through %s acknowledged after %v",
		old.url(), leader.url(), elected.Round(time.Millisecond), follower.url(), time.Since(killed).Round(time.Millisecond))
	for _, n := range survivors {
		if status, body, err := c.api(n).call(context.Background(), http.MethodGet, "/subjects/after-kill/versions/1", nil, nil); err != nil || status != http.StatusOK {
			t.Errorf("%s: GET /subjects/after-kill/versions/1 = %d %s %v", n.name, status, body, err)
		}
	}
}

// Chaos test size: registrations of unique schemas over subjects, by concurrent workers, while
// the leader is killed at plannedKills evenly spread points of progress. The workers go on
// past chaosRegistrations, at a trickle, until every planned kill has happened, up to
// chaosMaxRegistrations: what is tested is writes across kills, and the number of kills, not
// of registrations, is what must not depend on the machine's speed.
const (
	chaosRegistrations    = 3000
	chaosMaxRegistrations = 10000
	chaosSubjects         = 200
	chaosWorkers          = 16
	chaosPlannedKills     = 5
	chaosTrickle          = 200 * time.Millisecond // per worker, past chaosRegistrations
)

// TestKafkaClusterChaos sends at least 3,000 registrations of unique schemas from concurrent
// workers to three instances while the leader is SIGKILLed and restarted, over and over, and
// goes on until five kills have happened. Workers retry a failed request on another instance.
// At the end every acknowledged registration must be there with its id and version, no id may
// name two schemas, every subject's versions must be 1..n, and all instances must answer
// alike.
func TestKafkaClusterChaos(t *testing.T) {
	skipIfShort(t)
	t.Parallel() // every bound is a minute or more, and progress-driven rather than timed
	c := startKafkaCluster(t, 3, chaosElection)
	c.waitForLeader(t, c.nodes, 30*time.Second)
	rc := newRetryingClient(c)
	ctx := context.Background()
	if status, body, err := rc.call(ctx, 0, http.MethodPut, "/config", map[string]string{"compatibility": "NONE"}, nil); err != nil || status != http.StatusOK {
		t.Fatalf("PUT /config: %d %s %v", status, body, err)
	}
	start := time.Now()
	led := newAckLedger()
	var acked atomic.Int64
	stop, killsDone := make(chan struct{}), make(chan struct{})
	kills := make(chan int, 1)
	go func() {
		defer close(killsDone)
		kills <- killLeaders(t, c, &acked, stop)
	}()
	sent := registerChaosSchemas(t, rc, led, &acked, killsDone)
	close(stop)
	killed := <-kills
	took := time.Since(start)
	t.Logf("chaos: %d registrations acknowledged, %d leader kills, %d retries (%s), %v",
		acked.Load(), killed, rc.retries.Load(), rc.summary(), took.Round(time.Millisecond))
	t.Logf("instances logged %d fencings by a newer leader", c.countLogLines("fenced by a newer leader"))
	if killed < 3 {
		t.Errorf("only %d leader kills during the registrations, want at least 3", killed)
	}
	if acked.Load() != sent || sent < chaosRegistrations {
		t.Errorf("%d of %d registrations acknowledged, want all and at least %d", acked.Load(), sent, chaosRegistrations)
	}

	c.waitCaughtUp(t, 3*time.Minute)
	versions := c.checkRegistry(t, led, false)
	if int64(len(versions)) != sent {
		t.Errorf("the registry holds %d versions, want %d", len(versions), sent)
	}
}

// registerChaosSchemas registers schemas 0, 1, 2, … from chaosWorkers workers, each starting
// on its own instance, recording every acknowledgement in led, until chaosRegistrations are
// sent and killsDone is closed, or chaosMaxRegistrations are sent. It returns how many were.
func registerChaosSchemas(t *testing.T, rc *retryingClient, led *ackLedger, acked *atomic.Int64, killsDone <-chan struct{}) int64 {
	var (
		next, sent, failed atomic.Int64
		wg                 sync.WaitGroup
	)
	enough := func(i int) bool {
		select {
		case <-killsDone:
			return i >= chaosRegistrations
		default:
			return i >= chaosMaxRegistrations
		}
	}
	for w := range chaosWorkers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if enough(i) || failed.Load() > 10 {
					return
				}
				if i >= chaosRegistrations {
					// Past the planned count only the kills are awaited: a trickle keeps
					// writes going across them and leaves a starved machine the CPU that
					// restarting an instance needs.
					time.Sleep(chaosTrickle)
				}
				sent.Add(1)
				subject := fmt.Sprintf("chaos-%03d", i%chaosSubjects)
				schema := fmt.Sprintf(`{"type":"record","name":"Chaos","fields":[{"name":"n%05d","type":"long"}]}`, i)
				var got struct{ ID, Version int }
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				status, body, err := rc.call(ctx, w+i, http.MethodPost, "/subjects/"+subject+"/versions", schemaBody(schema), &got)
				cancel()
				if err != nil || status != http.StatusOK {
					failed.Add(1)
					t.Errorf("register schema %d into %s: %d %s %v", i, subject, status, body, err)
					continue
				}
				led.ack(t, ackedRegistration{subject: subject, schema: schema, id: got.ID, version: got.Version})
				acked.Add(1)
			}
		})
	}
	wg.Wait()
	return sent.Load()
}

// killLeaders SIGKILLs the current leader each time another 1/(chaosPlannedKills+1) of the
// registrations has been acknowledged, at least two seconds after the previous restart, and
// restarts it on the same data directory and address: after odd kills at once, so that it
// rejoins before its old membership expired; after even kills once the survivors have elected
// one of them, so that the restarted instance (with the smallest URL it leads again) takes
// over from an interim leader under load. It returns the number of kills when stop is closed
// or all planned kills are done.
func killLeaders(t *testing.T, c *kafkaCluster, acked *atomic.Int64, stop <-chan struct{}) int {
	lastReady := time.Now()
	for k := 1; k <= chaosPlannedKills; k++ {
		threshold := int64(chaosRegistrations * k / (chaosPlannedKills + 1))
		for acked.Load() < threshold || time.Since(lastReady) < 2*time.Second {
			select {
			case <-stop:
				return k - 1
			case <-time.After(20 * time.Millisecond):
			}
		}
		leader, err := c.awaitLeader(c.nodes, time.Minute)
		if err != nil {
			t.Errorf("kill %d: no agreed leader: %v", k, err)
			return k - 1
		}
		killedAt := time.Now()
		leader.current().kill(t)
		interim := "restarted at once"
		if k%2 == 0 {
			next, err := c.awaitLeader(c.without(leader), time.Minute)
			if err != nil {
				t.Errorf("kill %d: the survivors elect no leader: %v", k, err)
				return k
			}
			interim = fmt.Sprintf("%s led after %v", next.url(), time.Since(killedAt).Round(time.Millisecond))
		}
		if err := c.restart(leader); err != nil {
			t.Errorf("kill %d: restarting %s: %v", k, leader.name, err)
			return k
		}
		lastReady = time.Now()
		t.Logf("kill %d: SIGKILLed leader %s at %d acknowledgements; %s; ready again after %v",
			k, leader.url(), acked.Load(), interim, lastReady.Sub(killedAt).Round(time.Millisecond))
	}
	return chaosPlannedKills
}

// TestKafkaClusterDeposedLeaderFenced pauses the leader (SIGSTOP) for longer than its session,
// while writers keep it busy, lets the two others elect a new leader and write, then resumes
// the old leader with writes already queued in its sockets and sends it more at once. Each
// answer must either be a success consistent with the rest of the registry or fail with 50002,
// 50003 or 50004; no success may be missing afterwards. The topic itself is then read: a
// fenced producer never commits after its successor, and no id is bound to two schemas.
func TestKafkaClusterDeposedLeaderFenced(t *testing.T) {
	t.Parallel() // its one timing check is a lower bound, which load cannot break
	c := startKafkaCluster(t, 3, fastElection)
	old, survivors := c.waitForLeader(t, c.nodes, 30*time.Second)
	led := newAckLedger()
	ctx := context.Background()
	if status, body, err := c.api(survivors[0]).call(ctx, http.MethodPut, "/config", map[string]string{"compatibility": "NONE"}, nil); err != nil || status != http.StatusOK {
		t.Fatalf("PUT /config through a follower: %d %s %v", status, body, err)
	}
	registerDeposed(t, c, led, c.nodes, "before", 6)

	// Writers keep the leader busy, so that the pause catches writes in the middle of their
	// transaction; they resume with it.
	resumed := &resumedWrites{t: t, api: c.api(old), led: led, outcomes: map[string]int{}}
	stopStreaming := make(chan struct{})
	stopOnce := sync.OnceFunc(func() { close(stopStreaming) })
	resumed.stream("inflight", 4, stopStreaming)
	// Registered before anything can fail the test, and so run after the SIGCONT cleanup below:
	// the writers end before the test does, whatever happens, and never report to a finished test.
	t.Cleanup(func() { stopOnce(); resumed.wait() })
	pollUntil(t, 30*time.Second, "writes to the leader", func() bool { return resumed.count("inflight 200") >= 20 })
	paused := old.current()
	if err := paused.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stoppedAt := time.Now()
	t.Cleanup(func() { _ = paused.cmd.Process.Signal(syscall.SIGCONT) })
	leader, _ := c.waitForLeader(t, survivors, 30*time.Second)
	t.Logf("%s paused; %s elected after %v", old.url(), leader.url(), time.Since(stoppedAt).Round(time.Millisecond))
	registerDeposed(t, c, led, survivors, "during", 6)
	// The broker counts the session from the paused leader's last heartbeat, which came at most
	// one heartbeat interval before the pause: no new leader may write earlier than that.
	// Whether the old leader can still commit is what the topic's producer epochs show below.
	if earliest := c.timing.session - c.timing.heartbeat; time.Since(stoppedAt) < earliest {
		t.Errorf("a new leader wrote %v after the pause, less than a session minus a heartbeat (%v) after the old leader's last heartbeat", time.Since(stoppedAt), earliest)
	}

	// Writes already waiting in the paused process's sockets meet it the moment it resumes,
	// racing its election goroutine's discovery that the session is lost; more follow at once.
	resumed.send("queued", 8)
	if err := paused.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	resumed.send("resumed", 8)
	stopOnce()
	t.Logf("writes to the resumed leader %s: %s", old.url(), resumed.wait())

	c.waitCaughtUp(t, 30*time.Second)
	versions := c.checkRegistry(t, led, true)
	recs := c.readTopic(t)
	runs := checkProducerEpochs(t, recs)
	if len(runs) > 12 {
		runs = append(append(runs[:6:6], fmt.Sprintf("… %d more …", len(runs)-12)), runs[len(runs)-6:]...)
	}
	t.Logf("%d committed records in the topic; %s", len(recs), strings.Join(runs, "; "))
	idOf := checkTopicSchemas(t, recs)
	for _, v := range versions {
		if id, ok := idOf[fmt.Sprintf("%s/%d", v.Subject, v.Version)]; !ok || id != v.ID {
			t.Errorf("%s/%d: id %d in the API, %d (present %v) in the topic", v.Subject, v.Version, v.ID, id, ok)
		}
	}
	lines := relevantLogLines(paused.logs.String(), "fenced", "leader elected", "leadership released", "writing as leader")
	t.Logf("the old leader's log on leadership:\n%s", strings.Join(lines, "\n"))
	if !deposedInLogs(lines) {
		t.Errorf("the old leader's log shows neither fencing nor stepping down")
	}
}

// registerDeposed registers count schemas through nodes in turn, each must succeed at once.
func registerDeposed(t *testing.T, c *kafkaCluster, led *ackLedger, nodes []*kafkaNode, phase string, count int) {
	t.Helper()
	for i := range count {
		n := nodes[i%len(nodes)]
		subject, schema := deposedSchema(phase, i)
		var got struct{ ID, Version int }
		var (
			status int
			body   []byte
			err    error
		)
		// The first write after an election may meet the new leader still initialising.
		ok := poll(20*time.Second, func() bool {
			status, body, err = c.api(n).call(context.Background(), http.MethodPost, "/subjects/"+subject+"/versions", schemaBody(schema), &got)
			return err == nil && status < 500
		})
		if !ok || status != http.StatusOK {
			t.Fatalf("register %s through %s: %d %s %v", subject, n.name, status, body, err)
		}
		led.ack(t, ackedRegistration{subject: subject, schema: schema, id: got.ID, version: got.Version})
	}
}

func deposedSchema(phase string, i int) (subject, schema string) {
	return fmt.Sprintf("deposed-%s-%d", phase, i),
		fmt.Sprintf(`{"type":"record","name":"Deposed","fields":[{"name":"%s_%d","type":"long"}]}`, phase, i)
}

// resumedWrites are registrations sent to the old leader, once each, around its resumption.
// Each must either succeed (and is then recorded in led) or fail with 50002, 50003 or 50004.
type resumedWrites struct {
	t   *testing.T
	api jsonClient
	led *ackLedger
	wg  sync.WaitGroup

	mu       sync.Mutex     // guards outcomes
	outcomes map[string]int // answers by "status/error_code"
}

// send starts count registrations of new subjects and returns once each request is written to
// its connection.
func (w *resumedWrites) send(phase string, count int) {
	var written sync.WaitGroup
	for i := range count {
		written.Add(1)
		once := sync.OnceFunc(written.Done)
		ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { once() }})
		w.wg.Go(func() {
			defer once()
			w.register(ctx, phase, i)
		})
	}
	written.Wait()
}

// stream keeps workers goroutines registering new subjects, one request at a time each, until
// stop is closed.
func (w *resumedWrites) stream(phase string, workers int, stop <-chan struct{}) {
	for k := range workers {
		w.wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				w.register(context.Background(), fmt.Sprintf("%s%d", phase, k), i)
			}
		})
	}
}

// count returns how many answers of a kind ("inflight 200", "queued 500/50004") came.
func (w *resumedWrites) count(kind string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.outcomes[kind]
}

func (w *resumedWrites) register(ctx context.Context, phase string, i int) {
	subject, schema := deposedSchema(phase, i)
	var got struct{ ID, Version int }
	status, body, err := w.api.call(ctx, http.MethodPost, "/subjects/"+url.PathEscape(subject)+"/versions", schemaBody(schema), &got)
	code := errorCodeOf(body)
	kind := fmt.Sprintf("%d/%d", status, code)
	switch {
	case err != nil:
		w.t.Errorf("register %s on the resumed leader: %v", subject, err)
		kind = "error"
	case status == http.StatusOK:
		w.led.ack(w.t, ackedRegistration{subject: subject, schema: schema, id: got.ID, version: got.Version})
		kind = "200"
	case status >= 500 && (code == 50002 || code == 50003 || code == 50004):
	default:
		w.t.Errorf("register %s on the resumed leader: %d %s, want 200 or a 5xx with 50002, 50003 or 50004", subject, status, body)
	}
	w.mu.Lock()
	w.outcomes[strings.TrimRight(phase, "0123456789")+" "+kind]++
	w.mu.Unlock()
}

// wait waits for every answer and returns the outcomes for the log.
func (w *resumedWrites) wait() string {
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return fmt.Sprint(w.outcomes)
}

// deposedInLogs reports whether the old leader's leadership lines show that it was fenced or
// stepped down: "fenced", a "leader elected" line with self=false, or "leadership released".
func deposedInLogs(lines []string) bool {
	for _, line := range lines {
		if strings.Contains(line, "fenced") || strings.Contains(line, "leadership released") ||
			strings.Contains(line, "leader elected") && strings.Contains(line, "self=false") {
			return true
		}
	}
	return false
}
