package test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/accord-registry/accord/api"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
	"github.com/accord-registry/accord/store/kafkalog"
	"github.com/accord-registry/accord/test/kafkatest"
)

// The Kafka benchmarks measure `accord serve` on a real broker against the embedded store on
// the same machine, in the same run: the targets are a startup under 10 s without a
// snapshot and under 1 s with one for 100,000 schemas, and at least 500 registrations/s
// through the leader. `make bench-kafka` runs them; `make test` does not.

const (
	startupSchemas = 100_000
	benchClients   = 16
	benchWrites    = 3_000
	benchSubjects  = 160 // a multiple of benchClients: each client owns its subjects
)

// BenchmarkKafkaStartup measures how long `accord serve` takes, from process start to /readyz
// 200, on a topic of 100,000 schema records written in Confluent's exact format: with an empty
// data directory (the whole topic is read), again after a clean SIGTERM (the local snapshot is
// loaded and only the tail read), and on the embedded store holding the same records.
func BenchmarkKafkaStartup(b *testing.B) {
	seeds := benchBroker(b)
	bin := buildAccordTB(b)
	topic := kafkatest.Topic(b)
	recs := confluentRecords(startupSchemas)
	fillTopic(b, seeds, topic, recs)
	embedded := b.TempDir()
	writeFileLog(b, embedded, recs)

	var noSnapshot, snapshot, plain time.Duration
	for b.Loop() {
		dir := b.TempDir()
		kafka := []string{"--kafka-brokers", seeds, "--kafka-topic", topic, "--group-id", kafkatest.Group(b),
			"--kafka-replication-factor", "1"}
		noSnapshot += measureStartup(b, bin, dir, kafka)
		if _, err := os.Stat(filepath.Join(dir, "kafka-snapshot-"+topic)); err != nil {
			b.Fatalf("no snapshot after a clean shutdown: %v", err)
		}
		snapshot += measureStartup(b, bin, dir, kafka)
		plain += measureStartup(b, bin, embedded, nil)
	}
	n := float64(b.N)
	b.ReportMetric(noSnapshot.Seconds()/n, "startup_s_no_snapshot")
	b.ReportMetric(snapshot.Seconds()/n, "startup_s_snapshot")
	b.ReportMetric(plain.Seconds()/n, "startup_s_embedded")
	b.ReportMetric(noSnapshot.Seconds()/plain.Seconds(), "no_snapshot/embedded")
	b.ReportMetric(snapshot.Seconds()/plain.Seconds(), "snapshot/embedded")
}

// BenchmarkKafkaRegistrations registers 3,000 new schemas from 16 concurrent clients through
// the leader of two instances, then 3,000 through the follower (which forwards them to the
// leader), then 3,000 on the embedded store, and reports registrations per second of each,
// after one unmeasured round of each.
// Each client owns ten subjects; each registration adds an optional field to its subject's
// latest version, so it passes a real BACKWARD check. It also reports each process's CPU
// milliseconds per registration in each phase (the other instance, which only reads the
// records back while writes go through the leader, as leader_reader).
func BenchmarkKafkaRegistrations(b *testing.B) {
	seeds := benchBroker(b)
	bin := buildAccordTB(b)
	topic, group := kafkatest.Topic(b), kafkatest.Group(b)
	var nodes []*benchServer
	for range 2 {
		nodes = append(nodes, startBenchServer(b, bin, b.TempDir(), func(listen string) []string {
			return []string{"--kafka-brokers", seeds, "--kafka-topic", topic, "--group-id", group,
				"--advertised-url", "http://" + listen, "--kafka-replication-factor", "1"}
		}))
	}
	leader, follower := awaitBenchLeader(b, nodes)
	embedded := startBenchServer(b, bin, b.TempDir(), nil)
	// One unmeasured round each first: the broker's JIT, the producer's first transactions,
	// the connections and the heaps of three processes otherwise slow the first measured run
	// alone (1,108/s through the leader, then 1,360-1,681/s, in one -count 5).
	for i, node := range []*benchServer{leader, follower, embedded} {
		registerMany(b, node.url, fmt.Sprintf("warmup%d", i)) // new subjects: real writes
	}

	var viaLeader, viaFollower, plain, leaderP99, followerP99 float64
	// The CPU time of each process in each phase: the leader and the follower (which applies
	// every record too) while writing through the leader, both while writing through the
	// follower, and the embedded store.
	leaderPhase, followerPhase, embeddedPhase := newCPUMeter(leader, follower), newCPUMeter(leader, follower), newCPUMeter(embedded)
	run := 0
	for b.Loop() {
		run++
		leaderPhase.begin(b)
		rate, p99 := registerManyTimed(b, leader.url, fmt.Sprintf("leader%d", run))
		leaderPhase.end(b)
		viaLeader, leaderP99 = viaLeader+rate, max(leaderP99, p99)
		followerPhase.begin(b)
		rate, p99 = registerManyTimed(b, follower.url, fmt.Sprintf("follower%d", run))
		followerPhase.end(b)
		viaFollower, followerP99 = viaFollower+rate, max(followerP99, p99)
		embeddedPhase.begin(b)
		plain += registerMany(b, embedded.url, fmt.Sprintf("embedded%d", run))
		embeddedPhase.end(b)
	}
	n := float64(b.N)
	writes := b.N * benchWrites
	b.ReportMetric(leaderPhase.perWrite(0, writes), "leader_cpu_ms/reg")
	b.ReportMetric(leaderPhase.perWrite(1, writes), "leader_reader_cpu_ms/reg")
	b.ReportMetric(followerPhase.perWrite(0, writes), "follower_leader_cpu_ms/reg")
	b.ReportMetric(followerPhase.perWrite(1, writes), "follower_cpu_ms/reg")
	b.ReportMetric(embeddedPhase.perWrite(0, writes), "embedded_cpu_ms/reg")
	b.ReportMetric(leaderP99, "leader_p99_ms")
	b.ReportMetric(followerP99, "follower_p99_ms")
	b.ReportMetric(viaLeader/n, "leader_reg/s")
	b.ReportMetric(viaFollower/n, "follower_reg/s")
	b.ReportMetric(plain/n, "embedded_reg/s")
	b.ReportMetric(viaLeader/plain, "leader/embedded")
	b.ReportMetric(viaFollower/plain, "follower/embedded")
}

// BenchmarkKafkaLeaderWritePath shows where a registration's time goes on the leader: it runs
// the leader's store and API in this process, on a kafkalog whose Kafka clients count every
// broker request by API key with its round-trip time (kgo hooks), registers 3,000 schemas from
// 16 clients, and then 300 from one client. It reports requests and round-trip milliseconds per
// registration for each API key. Writes are serialised under the store's writer lock, so the
// round trips inside it bound the throughput.
func BenchmarkKafkaLeaderWritePath(b *testing.B) {
	seeds := benchBroker(b)
	stats := &requestStats{count: map[int16]int{}, total: map[int16]time.Duration{}}
	base := startInProcessLeader(b, seeds, stats)
	registerMany(b, base, "warmup") // the producer's first transaction, the topic's first fetches

	var rate, serial float64
	run := 0
	for b.Loop() {
		run++
		stats.reset()
		rate += registerMany(b, base, fmt.Sprintf("concurrent%d", run))
		stats.report(b, benchWrites)
		serial += registerSerially(b, base, fmt.Sprintf("serial%d", run), 300)
	}
	b.ReportMetric(rate/float64(b.N), "reg/s")
	b.ReportMetric(1000/(serial/float64(b.N)), "serial_ms/reg")
}

// startInProcessLeader opens a kafkalog on a new topic with stats hooked into its clients, a
// store on it that leads, and the API on a loopback port; it returns the API's base URL.
func startInProcessLeader(b *testing.B, seeds string, stats *requestStats) string {
	b.Helper()
	topic, group := kafkatest.Topic(b), kafkatest.Group(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	log, err := kafkalog.Open(ctx, kafkalog.Config{Brokers: strings.Split(seeds, ","), Topic: topic, ReplicationFactor: 1,
		TransactionalID: kafkalog.TransactionalID(group, topic), ClientOpts: []kgo.Opt{kgo.WithHooks(stats)}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { log.Close(); deleteTopic(seeds, topic) })
	st, err := store.Open(ctx, store.Config{Shared: log})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(st.Close)
	log.SetLeader(true, 1)
	if !poll(time.Minute, st.Ready) {
		b.Fatal("the in-process store did not catch up within a minute")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: api.New(api.Config{Store: st, Logger: slog.New(slog.DiscardHandler)})}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// registerSerially registers n schemas one after the other and returns registrations per
// second: the inverse of one registration's latency.
func registerSerially(b *testing.B, base, prefix string, n int) float64 {
	b.Helper()
	api := newJSONClient(base, 1)
	start := time.Now()
	for i := range n {
		subject := fmt.Sprintf("%s-%d", prefix, i%10)
		if status, body, err := api.call(context.Background(), http.MethodPost, "/subjects/"+subject+"/versions",
			schemaBody(growingSchema(subject, i/10)), nil); err != nil || status != http.StatusOK {
			b.Fatalf("register into %s: %d %s %v", subject, status, body, err)
		}
	}
	return float64(n) / time.Since(start).Seconds()
}

// requestStats is a kgo hook that counts broker requests by API key, with the time from
// writing each request to reading its response.
type requestStats struct {
	mu    sync.Mutex // guards the following fields
	count map[int16]int
	total map[int16]time.Duration
}

var _ kgo.HookBrokerE2E = (*requestStats)(nil)

func (s *requestStats) OnBrokerE2E(_ kgo.BrokerMetadata, key int16, e2e kgo.BrokerE2E) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count[key]++
	s.total[key] += e2e.DurationE2E()
}

func (s *requestStats) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.count)
	clear(s.total)
}

// report logs and reports, for each API key, requests per registration and the mean round
// trip; Fetch round trips include the broker's wait for new records.
func (s *requestStats) report(b *testing.B, registrations int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var lines []string
	for _, key := range slices.Sorted(maps.Keys(s.count)) {
		name := kmsg.NameForKey(key)
		perReg := float64(s.count[key]) / float64(registrations)
		mean := s.total[key].Seconds() * 1000 / float64(s.count[key])
		lines = append(lines, fmt.Sprintf("%s: %d requests, %.2f per registration, %.2f ms each", name, s.count[key], perReg, mean))
		b.ReportMetric(perReg, name+"/reg")
		b.ReportMetric(mean, name+"_ms")
	}
	b.Logf("broker requests of %d registrations:\n%s", registrations, strings.Join(lines, "\n"))
}

// benchBroker returns the bootstrap address of the broker the benchmark runs on: the shared
// one in KAFKA_BOOTSTRAP, or else a private one from the jar cache. Without either it skips.
func benchBroker(b *testing.B) string {
	if seeds := os.Getenv(kafkatest.EnvBootstrap); seeds != "" {
		return seeds
	}
	if !kafkatest.JarsAvailable() {
		b.Skipf("BenchmarkKafka* need a real broker: set %s (make kafka-up) or fetch the jars (go run ./test/kafkaharness jars)", kafkatest.EnvBootstrap)
	}
	return kafkatest.StartBroker(b).Addr()
}

// confluentRecords returns n SCHEMA records exactly as Confluent Schema Registry writes them
// (subject s-<i>, version 1, id i, a small distinct Avro record), with the NOOP record an
// instance writes when it starts before the first, after every 10,000th and after the last.
func confluentRecords(n int) []store.Record {
	noop := store.Record{Key: []byte(`{"keytype":"NOOP","magic":0}`)}
	recs := []store.Record{noop}
	for i := 1; i <= n; i++ {
		schema := fmt.Sprintf(`{"type":"record","name":"R%d","namespace":"bench","fields":[{"name":"id","type":"long"},{"name":"f%d","type":"string"}]}`, i, i)
		quoted, _ := json.Marshal(schema)
		recs = append(recs, store.Record{
			Key:   fmt.Appendf(nil, `{"keytype":"SCHEMA","subject":"s-%d","version":1,"magic":1}`, i),
			Value: fmt.Appendf(nil, `{"subject":"s-%d","version":1,"id":%d,"schema":%s,"deleted":false}`, i, i, quoted),
		})
		if i%10_000 == 0 {
			recs = append(recs, noop)
		}
	}
	return recs
}

// fillTopic creates topic as Accord or Confluent would (one partition, compacted) and produces
// recs into it, without transactions as Confluent does, as fast as the broker takes them. The
// topic is deleted when the benchmark ends.
func fillTopic(b *testing.B, seeds, topic string, recs []store.Record) {
	b.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(seeds, ",")...), kgo.DefaultProduceTopic(topic),
		kgo.ProducerLinger(5*time.Millisecond), kgo.MaxBufferedRecords(len(recs)))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	adm := kadm.NewClient(cl)
	if _, err := adm.CreateTopic(ctx, 1, 1, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}, topic); err != nil {
		b.Fatalf("create topic %s: %v", topic, err)
	}
	b.Cleanup(func() { deleteTopic(seeds, topic) })
	start := time.Now()
	var failed atomic.Pointer[error]
	for _, r := range recs {
		cl.Produce(ctx, &kgo.Record{Key: r.Key, Value: r.Value}, func(_ *kgo.Record, err error) {
			if err != nil {
				failed.CompareAndSwap(nil, &err)
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	if err := failed.Load(); err != nil {
		b.Fatalf("produce to %s: %v", topic, *err)
	}
	b.Logf("produced %d records to %s in %v", len(recs), topic, time.Since(start).Round(time.Millisecond))
}

func deleteTopic(seeds, topic string) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(seeds, ",")...))
	if err != nil {
		return
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _ = kadm.NewClient(cl).DeleteTopics(ctx, topic)
}

// writeFileLog writes recs into a new embedded store log in dir, as if they had been
// registered there. (Append sets the records' offsets.)
func writeFileLog(b *testing.B, dir string, recs []store.Record) {
	b.Helper()
	l, err := filelog.Open(dir, filelog.Config{})
	if err != nil {
		b.Fatal(err)
	}
	for batch := range slices.Chunk(recs, 1000) {
		if _, err := l.Append(batch); err != nil {
			b.Fatal(err)
		}
	}
	if err := l.Sync(context.Background(), l.End()-1); err != nil {
		b.Fatal(err)
	}
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
}

// measureStartup starts `accord serve` on dir with extra flags, returns the time from process
// start to /readyz 200, checks that the last schema is served, and stops the process with
// SIGTERM, so that a Kafka instance writes its snapshot.
func measureStartup(b *testing.B, bin, dir string, extra []string) time.Duration {
	b.Helper()
	s := startBenchServer(b, bin, dir, func(string) []string { return extra })
	var got struct{ Schema string }
	api := newJSONClient(s.url, 1)
	path := fmt.Sprintf("/schemas/ids/%d", startupSchemas)
	if status, body, err := api.call(context.Background(), http.MethodGet, path, nil, &got); err != nil || status != http.StatusOK ||
		!strings.Contains(got.Schema, fmt.Sprintf(`"R%d"`, startupSchemas)) {
		b.Fatalf("GET %s after startup: %d %s %v", path, status, body, err)
	}
	s.terminate(b)
	store := "embedded"
	if len(extra) > 0 {
		store = "kafka"
	}
	b.Logf("%s store ready after %v; %s", store, s.startup.Round(time.Millisecond), s.logLine(`msg="log replayed"`, `snapshot`))
	return s.startup
}

// benchServer is an `accord serve` process started by a benchmark.
type benchServer struct {
	cmd     *exec.Cmd
	url     string
	logs    *syncLogBuffer
	done    chan struct{}
	exitErr error
	startup time.Duration // from process start to /readyz 200
}

// startBenchServer starts `accord serve --data-dir dir` with the flags extra(listen address)
// and waits, polling every 5 ms, until /readyz answers 200. The process is killed when the
// benchmark ends if it still runs.
func startBenchServer(b *testing.B, bin, dir string, extra func(listen string) []string) *benchServer {
	b.Helper()
	listen, err := pickLoopbackAddr()
	if err != nil {
		b.Fatal(err)
	}
	argv := []string{"serve", "--listen", listen, "--data-dir", dir, "--log-level", "info"}
	if extra != nil {
		argv = append(argv, extra(listen)...)
	}
	s := &benchServer{cmd: exec.Command(bin, argv...), url: "http://" + listen, logs: &syncLogBuffer{}, done: make(chan struct{})}
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	start := time.Now()
	if err := s.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	go func() { s.exitErr = s.cmd.Wait(); close(s.done) }()
	b.Cleanup(func() { _ = s.cmd.Process.Kill(); <-s.done })
	if err := s.awaitReady(2 * time.Minute); err != nil {
		b.Fatalf("%v\n%s", err, s.logs.String())
	}
	s.startup = time.Since(start)
	return s
}

func (s *benchServer) awaitReady(timeout time.Duration) error {
	hc := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		select {
		case <-s.done:
			return fmt.Errorf("accord exited before it was ready: %v", s.exitErr)
		default:
		}
		if resp, err := hc.Get(s.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("accord not ready after %v", timeout)
}

// terminate stops the process with SIGTERM and waits for a clean exit.
func (s *benchServer) terminate(b *testing.B) {
	b.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		b.Fatal(err)
	}
	select {
	case <-s.done:
	case <-time.After(time.Minute):
		b.Fatalf("accord did not exit a minute after SIGTERM\n%s", s.logs.String())
	}
	if s.exitErr != nil {
		b.Fatalf("accord exited with %v after SIGTERM\n%s", s.exitErr, s.logs.String())
	}
}

// logLine returns the lines of the process's log that contain any of words, joined by "; ".
func (s *benchServer) logLine(words ...string) string {
	return strings.Join(relevantLogLines(s.logs.String(), words...), "; ")
}

// awaitBenchLeader waits until the instances agree on a leader and returns it and the other.
func awaitBenchLeader(b *testing.B, nodes []*benchServer) (leader, follower *benchServer) {
	b.Helper()
	ok := poll(time.Minute, func() bool {
		leader, follower = nil, nil
		var gen string
		for _, n := range nodes {
			e, ok := lastElection(n.logs.String())
			switch {
			case !ok || gen != "" && e.generation != gen:
				return false
			case e.self:
				leader = n
			default:
				follower = n
			}
			gen = e.generation
		}
		return leader != nil && follower != nil
	})
	if !ok {
		b.Fatalf("no leader and follower after a minute:\n%s\n%s", nodes[0].logs.String(), nodes[1].logs.String())
	}
	return leader, follower
}

// registerMany registers benchWrites new schemas through the registry at base from
// benchClients clients and returns registrations per second. prefix makes the subjects unique
// to the call.
func registerMany(b *testing.B, base, prefix string) float64 {
	b.Helper()
	rate, _ := registerManyTimed(b, base, prefix)
	return rate
}

// registerManyTimed is registerMany that also returns the 99th percentile of the
// registrations' latencies, in milliseconds.
func registerManyTimed(b *testing.B, base, prefix string) (rate, p99ms float64) {
	b.Helper()
	api := newJSONClient(base, benchClients)
	var (
		wg        sync.WaitGroup
		failed    atomic.Pointer[string]
		latencies = make([]time.Duration, benchWrites)
	)
	start := time.Now()
	for w := range benchClients {
		wg.Go(func() {
			for i := w; i < benchWrites && failed.Load() == nil; i += benchClients {
				subject := fmt.Sprintf("%s-%d", prefix, i%benchSubjects)
				sent := time.Now()
				status, body, err := api.call(context.Background(), http.MethodPost, "/subjects/"+subject+"/versions",
					schemaBody(growingSchema(subject, i/benchSubjects)), nil)
				latencies[i] = time.Since(sent)
				if err != nil || status != http.StatusOK {
					msg := fmt.Sprintf("register into %s: %d %s %v", subject, status, body, err)
					failed.CompareAndSwap(nil, &msg)
				}
			}
		})
	}
	wg.Wait()
	rate = benchWrites / time.Since(start).Seconds()
	if msg := failed.Load(); msg != nil {
		b.Fatalf("%s: %s", base, *msg)
	}
	slices.Sort(latencies)
	return rate, float64(latencies[len(latencies)*99/100].Microseconds()) / 1000
}

// growingSchema is a record with fields optional fields beyond its id: each version of a
// subject adds one, which BACKWARD allows.
func growingSchema(subject string, fields int) string {
	var s bytes.Buffer
	fmt.Fprintf(&s, `{"type":"record","name":"R","namespace":"%s","fields":[{"name":"id","type":"long"}`, strings.ReplaceAll(subject, "-", "_"))
	for i := range fields {
		fmt.Fprintf(&s, `,{"name":"f%d","type":["null","string"],"default":null}`, i)
	}
	s.WriteString("]}")
	return s.String()
}

// buildAccordTB is buildAccord for benchmarks: it builds ./cmd/accord into a temporary
// directory.
func buildAccordTB(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "accord")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/accord")
	cmd.Dir = ".." // the benchmarks run in test/
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build ./cmd/accord: %v\n%s", err, out)
	}
	return bin
}
