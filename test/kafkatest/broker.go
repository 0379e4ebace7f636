package kafkatest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// serverProperties configures one combined broker+controller on loopback. The settings after
// log.dirs shrink Kafka's production defaults to one node and make tests fast: one partition for
// the offsets and transaction topics (50 would be created on the first FindCoordinator), no
// initial rebalance delay (3 s per new group otherwise), short group sessions allowed for
// failover tests, and an 8 MiB cleaner buffer (128 MiB of a 512 MiB heap otherwise). The short
// broker session lets a broker restarted after a crash register again within 3 s: until the
// session of its previous incarnation expires, the controller refuses it with
// DUPLICATE_BROKER_REGISTRATION (9 s by default).
const serverProperties = `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:${BROKER_PORT},CONTROLLER://127.0.0.1:${CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${BROKER_PORT}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${DIR}/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=500
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=500
log.cleaner.dedupe.buffer.size=8388608
log.cleaner.backoff.ms=500
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
`

// log4j2Properties keeps broker.log short: warnings, plus the lines that say the broker started.
const log4j2Properties = `status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.out.ref = OUT
logger.raft.name = kafka.server.KafkaRaftServer
logger.raft.level = info
logger.lifecycle.name = kafka.server.BrokerLifecycleManager
logger.lifecycle.level = info
`

// Files in a broker's directory, beside its data/ and tmp/ directories.
const (
	propsFile = "server.properties"
	log4jFile = "log4j2.properties"
	logFile   = "broker.log"
	pidFile   = "broker.pid"
)

const (
	// pomPath is the Maven pom that lists the broker's jars, relative to the module root.
	pomPath = "test/kafka/pom.xml"
	// fetchJars is the command that fills the jar cache.
	fetchJars = "go run ./test/kafkaharness jars"

	readyTimeout   = 90 * time.Second
	attemptTimeout = 2 * time.Second
	termTimeout    = 10 * time.Second // from SIGTERM to SIGKILL
	killTimeout    = 5 * time.Second  // from SIGKILL to giving up
)

// JarCache is the local copy of the broker's jars, outside the repository so that a fresh clone
// or `git clean` does not fetch them again: ${XDG_CACHE_HOME:-$HOME/.cache}/accord/kafka-VERSION,
// where VERSION is the kafka.version of test/kafka/pom.xml. `go run ./test/kafkaharness jars`
// fills it.
type JarCache struct {
	Pom     string // the pom, found from the working directory upwards
	Version string // its kafka.version
	Libs    string // the directory of jars, for java's -cp "Libs/*"
}

// FindJarCache locates the pom and the cache directory for its Kafka version. The directory
// may not exist yet: see [JarCache.Complete].
func FindJarCache() (JarCache, error) {
	pom, err := findPom()
	if err != nil {
		return JarCache{}, err
	}
	version, err := kafkaVersion(pom)
	if err != nil {
		return JarCache{}, err
	}
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return JarCache{}, errors.New("neither XDG_CACHE_HOME nor HOME is set")
		}
		base = filepath.Join(home, ".cache")
	}
	libs := filepath.Join(base, "accord", "kafka-"+version, "libs")
	return JarCache{Pom: pom, Version: version, Libs: libs}, nil
}

// Complete reports whether Libs holds the broker's main jar. The harness fills the cache
// through a temporary directory renamed into place, so a present main jar means a full set.
func (c JarCache) Complete() bool {
	_, err := os.Stat(filepath.Join(c.Libs, "kafka_2.13-"+c.Version+".jar"))
	return err == nil
}

// JarsAvailable reports whether the jar cache is complete, that is whether [StartBroker] can
// run a broker.
func JarsAvailable() bool {
	c, err := FindJarCache()
	return err == nil && c.Complete()
}

func findPom() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		pom := filepath.Join(dir, pomPath)
		if _, err := os.Stat(pom); err == nil {
			return pom, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%s not found in the working directory or its parents", pomPath)
		}
		dir = parent
	}
}

// kafkaVersion reads the kafka.version property from the pom, the one place the version is set.
func kafkaVersion(pom string) (string, error) {
	b, err := os.ReadFile(pom)
	if err != nil {
		return "", err
	}
	var p struct {
		KafkaVersion string `xml:"properties>kafka.version"`
	}
	if err := xml.Unmarshal(b, &p); err != nil {
		return "", fmt.Errorf("%s: %w", pom, err)
	}
	if p.KafkaVersion == "" {
		return "", fmt.Errorf("%s: no <kafka.version> property", pom)
	}
	return p.KafkaVersion, nil
}

// Broker is a single-node KRaft Kafka broker: one JVM, both broker and controller, on two
// loopback ports, run from the [JarCache]. Its configuration, data, log (broker.log) and pid file
// live in one directory, so it can be stopped and started again on the same data and ports.
//
// The JVM runs in its own process group: test/kafkaharness leaves it running after it exits,
// and a Ctrl-C in the terminal does not reach it. Tests get a broker from [StartBroker], which
// stops it when the test ends; one whose process is killed outright (go test's -timeout panic)
// leaves its JVM running, as `pgrep -f kafka.Kafka` shows.
//
// A Broker is not safe for concurrent use.
type Broker struct {
	dir                        string
	brokerPort, controllerPort int
	logf                       func(format string, args ...any)

	pid  int           // the JVM's, 0 if none is known
	done chan struct{} // closed once the JVM this process started has been reaped; nil otherwise
}

// NewBroker writes the configuration of a broker on two free loopback ports into dir (created
// if missing) and formats its storage. It does not start it. logf receives progress lines.
func NewBroker(ctx context.Context, dir string, logf func(format string, args ...any)) (*Broker, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	brokerPort, controllerPort, err := freePorts()
	if err != nil {
		return nil, err
	}
	b := &Broker{dir: dir, brokerPort: brokerPort, controllerPort: controllerPort, logf: logf}
	if err := b.writeConfig(); err != nil {
		return nil, err
	}
	if err := b.format(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// OpenBroker returns the broker that NewBroker configured in dir, and that this or another
// process may have started: its ports come from dir's server.properties, and its process from
// dir's pid file if that names the live broker of dir.
func OpenBroker(dir string, logf func(format string, args ...any)) (*Broker, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	b := &Broker{dir: dir, logf: logf}
	if err := b.readPorts(); err != nil {
		return nil, err
	}
	if pid, err := readPid(dir); err == nil && isBroker(pid, dir) {
		b.pid = pid
	}
	return b, nil
}

// Addr is the broker's bootstrap address, 127.0.0.1:PORT.
func (b *Broker) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(b.brokerPort))
}

// Dir is the broker's directory.
func (b *Broker) Dir() string { return b.dir }

// Pid is the process id of the broker's JVM, 0 if it is not running.
func (b *Broker) Pid() int {
	if !b.Running() {
		return 0
	}
	return b.pid
}

// Running reports whether the broker's JVM is alive (not whether it serves requests: see
// [Broker.Ping]).
func (b *Broker) Running() bool {
	return b.pid != 0 && isBroker(b.pid, b.dir)
}

// Start starts the broker's JVM and returns once the broker serves metadata and grants a
// transactional producer id. If it does not within 90 s, or the JVM exits first, Start kills it
// and returns an error that quotes the end of broker.log.
func (b *Broker) Start(ctx context.Context) error {
	if b.Running() {
		return fmt.Errorf("the broker in %s is already running (pid %d)", b.dir, b.pid)
	}
	jars, err := completeJars()
	if err != nil {
		return err
	}
	if err := b.launch(jars.Libs); err != nil {
		return err
	}
	if err := b.waitReady(ctx); err != nil {
		if herr := b.Halt(syscall.SIGKILL); herr != nil {
			b.logf("%v", herr)
		}
		log := filepath.Join(b.dir, logFile)
		return fmt.Errorf("%w\nlast lines of %s:\n%s", err, log, tail(log, 40))
	}
	return nil
}

// Halt sends sig to the broker's process group and waits until the JVM has exited, sending
// SIGKILL if it is still running 10 s later. SIGTERM makes a controlled shutdown (a few
// seconds); SIGKILL is a crash. A broker that is not running is not an error.
func (b *Broker) Halt(sig syscall.Signal) error {
	if !b.Running() {
		b.pid, b.done = 0, nil
		return nil
	}
	_ = syscall.Kill(-b.pid, sig)
	if sig != syscall.SIGKILL {
		if b.gone(termTimeout) {
			return nil
		}
		b.logf("the broker (pid %d) is still running %s after %v; sending SIGKILL", b.pid, termTimeout, sig)
		_ = syscall.Kill(-b.pid, syscall.SIGKILL)
	}
	if b.gone(killTimeout) {
		return nil
	}
	return fmt.Errorf("the broker (pid %d) survived SIGKILL", b.pid)
}

// gone waits up to timeout for the JVM to exit (and to be reaped, if this process started it).
func (b *Broker) gone(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for isBroker(b.pid, b.dir) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	if b.done != nil {
		select {
		case <-b.done:
		case <-time.After(time.Until(deadline)):
			return false
		}
	}
	b.pid, b.done = 0, nil
	return true
}

// Ping is one Metadata round trip to the broker, bounded by 2 s.
func (b *Broker) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addr()))
	if err != nil {
		return err
	}
	defer cl.Close()
	brokers, err := kadm.NewClient(cl).ListBrokers(ctx)
	if err != nil {
		return err
	}
	if len(brokers) == 0 {
		return errors.New("metadata lists no brokers")
	}
	return nil
}

// StartBroker starts a private broker for t in a fresh directory under t.TempDir(), on free
// loopback ports, and returns once it is ready; it is killed when t ends. Tests that stop or
// restart Kafka use it instead of the shared broker of [Brokers].
//
// Without the jar cache it skips t, or fails it when CI=true, so that CI never silently runs
// without a real broker: `go run ./test/kafkaharness jars` fetches the jars.
func StartBroker(t testing.TB) *Broker {
	t.Helper()
	if _, err := completeJars(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("kafkatest: %v", err)
		}
		t.Skipf("kafkatest: %v", err)
	}
	b, err := NewBroker(t.Context(), t.TempDir(), t.Logf)
	if err != nil {
		t.Fatalf("kafkatest: preparing a broker: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Halt(syscall.SIGKILL); err != nil {
			t.Errorf("kafkatest: %v", err)
		}
	})
	b.start(t)
	return b
}

// Stop shuts the broker down in a controlled way (SIGTERM, SIGKILL after 10 s), keeping its
// data and ports for [Broker.Restart].
func (b *Broker) Stop(t testing.TB) {
	t.Helper()
	if err := b.Halt(syscall.SIGTERM); err != nil {
		t.Fatalf("kafkatest: %v", err)
	}
}

// Kill crashes the broker (SIGKILL), keeping its data and ports for [Broker.Restart].
func (b *Broker) Kill(t testing.TB) {
	t.Helper()
	if err := b.Halt(syscall.SIGKILL); err != nil {
		t.Fatalf("kafkatest: %v", err)
	}
}

// Restart starts the broker again on the same ports and data, stopping it first if it runs,
// and returns once it is ready.
func (b *Broker) Restart(t testing.TB) {
	t.Helper()
	b.Stop(t)
	b.start(t)
}

func (b *Broker) start(t testing.TB) {
	t.Helper()
	start := time.Now()
	if err := b.Start(t.Context()); err != nil {
		t.Fatalf("kafkatest: starting the broker in %s: %v", b.dir, err)
	}
	t.Logf("kafkatest: broker (pid %d) ready at %s after %s", b.pid, b.Addr(), time.Since(start).Round(100*time.Millisecond))
}

// completeJars returns the jar cache, or an error that says how to fill it.
func completeJars() (JarCache, error) {
	jars, err := FindJarCache()
	if err != nil {
		return JarCache{}, fmt.Errorf("no Kafka broker: %w", err)
	}
	if !jars.Complete() {
		return JarCache{}, fmt.Errorf("no Kafka broker: the Kafka %s jars are not in %s (run `%s`; it needs mvn)", jars.Version, jars.Libs, fetchJars)
	}
	return jars, nil
}

// freePorts picks two distinct free loopback ports. They are free when picked, not when the
// broker binds them a second later, a race that is acceptable on a test machine.
func freePorts() (broker, controller int, err error) {
	var ports [2]int
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, 0, err
		}
		defer l.Close() // held until both are picked, so they differ
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports[0], ports[1], nil
}

// writeConfig creates the broker's directory with its configuration, data and tmp directories.
func (b *Broker) writeConfig() error {
	for _, d := range []string{"data", "tmp"} {
		if err := os.MkdirAll(filepath.Join(b.dir, d), 0o755); err != nil {
			return err
		}
	}
	props := strings.NewReplacer(
		"${BROKER_PORT}", strconv.Itoa(b.brokerPort),
		"${CONTROLLER_PORT}", strconv.Itoa(b.controllerPort),
		"${DIR}", b.dir,
	).Replace(serverProperties)
	if err := os.WriteFile(filepath.Join(b.dir, propsFile), []byte(props), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(b.dir, log4jFile), []byte(log4j2Properties), 0o644)
}

// readPorts reads the ports back from the listeners line that writeConfig wrote.
func (b *Broker) readPorts() error {
	props, err := os.ReadFile(filepath.Join(b.dir, propsFile))
	if err != nil {
		return err
	}
	for line := range strings.SplitSeq(string(props), "\n") {
		listeners, ok := strings.CutPrefix(line, "listeners=")
		if !ok {
			continue
		}
		_, err := fmt.Sscanf(listeners, "PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d", &b.brokerPort, &b.controllerPort)
		if err != nil {
			return fmt.Errorf("%s: listeners=%s: %w", propsFile, listeners, err)
		}
		return nil
	}
	return fmt.Errorf("%s in %s has no listeners line", propsFile, b.dir)
}

// jvmFlags are the java flags shared by the formatter and the broker. Serial GC uses fewer
// threads on a two-core machine; the full JIT stays on (C1 alone starts a little faster but
// makes the broker's produce path, which the benchmarks measure, much slower). snappy-java and
// zstd-jni unpack native libraries into java.io.tmpdir (kgo compresses with snappy by default),
// so it points into the broker's directory rather than a /tmp that may be noexec.
func (b *Broker) jvmFlags(libs string) []string {
	return []string{
		"-XX:+UseSerialGC", "-Djava.awt.headless=true",
		"-Djava.io.tmpdir=" + filepath.Join(b.dir, "tmp"),
		"-Dlog4j2.configurationFile=" + filepath.Join(b.dir, log4jFile),
		"-cp", filepath.Join(libs, "*"), // java expands the wildcard itself
	}
}

// format writes the KRaft metadata for a fresh cluster into the data directory.
func (b *Broker) format(ctx context.Context) error {
	jars, err := completeJars()
	if err != nil {
		return err
	}
	args := append(b.jvmFlags(jars.Libs), "kafka.tools.StorageTool", "format",
		"-t", newClusterID(), "-c", filepath.Join(b.dir, propsFile))
	out, err := exec.CommandContext(ctx, "java", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("formatting the broker's storage: %w\n%s", err, out)
	}
	b.logf("%s", bytes.TrimSpace(out))
	return nil
}

// newClusterID returns a random Kafka UUID in its base64url form. Kafka's generator also avoids
// a leading '-', which the formatter's argument parser would take for a flag.
func newClusterID() string {
	b := make([]byte, 16)
	for {
		rand.Read(b) // never fails (crypto/rand)
		id := base64.RawURLEncoding.EncodeToString(b)
		if id[0] != '-' {
			return id
		}
	}
}

// launch starts the JVM in its own process group, appending its output to broker.log, and
// records its pid in broker.pid.
func (b *Broker) launch(libs string) error {
	log, err := os.OpenFile(filepath.Join(b.dir, logFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close() // the JVM has its own descriptor
	args := append([]string{"-Xms128m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError"}, b.jvmFlags(libs)...)
	cmd := exec.Command("java", append(args, "kafka.Kafka", filepath.Join(b.dir, propsFile))...)
	cmd.Dir = b.dir
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting java: %w", err)
	}
	b.pid, b.done = cmd.Process.Pid, make(chan struct{})
	go func(done chan struct{}) { _ = cmd.Wait(); close(done) }(b.done)
	if err := os.WriteFile(filepath.Join(b.dir, pidFile), []byte(strconv.Itoa(b.pid)+"\n"), 0o644); err != nil {
		_ = b.Halt(syscall.SIGKILL)
		return err
	}
	return nil
}

// waitReady polls the broker until it serves metadata and grants a transactional producer ID,
// or fails early if the JVM exits. An open port is not enough: the broker accepts connections
// before it is unfenced, and serves requests only after.
func (b *Broker) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeoutCause(ctx, readyTimeout, fmt.Errorf("the broker was not ready within %s", readyTimeout))
	defer cancel()
	for {
		err := b.Ping(ctx)
		if err == nil {
			break
		}
		select {
		case <-b.done:
			return errors.New("the broker exited while starting")
		case <-ctx.Done():
			return fmt.Errorf("%w (last attempt: %v)", context.Cause(ctx), err)
		case <-time.After(200 * time.Millisecond):
		}
	}
	if err := b.checkTransactions(ctx); err != nil {
		return err
	}
	features, err := b.finalizedFeatures(ctx)
	if err != nil {
		return err
	}
	b.logf("finalized features: %s", features)
	return nil
}

// checkTransactions asks for a producer ID under a transactional ID, the first step of every
// transaction: it needs the transaction coordinator and its __transaction_state topic, which a
// replication setting above one broker would leave unavailable, and which a restarted broker
// must load first. The registry writes in transactions, so a broker without them is no use.
func (b *Broker) checkTransactions(ctx context.Context) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addr()), kgo.TransactionalID("accord-kafkaharness-probe"))
	if err != nil {
		return err
	}
	defer cl.Close()
	if _, _, err := cl.ProducerID(ctx); err != nil {
		return fmt.Errorf("transactions do not work on this broker, and the registry needs them: "+
			"InitProducerID with a transactional ID failed: %w "+
			"(COORDINATOR_NOT_AVAILABLE means __transaction_state could not be created: see transaction.state.log.* in server.properties)", err)
	}
	return nil
}

// finalizedFeatures lists the cluster's feature levels (metadata.version, transaction.version,
// ...) as "name=level" pairs, from an ApiVersions response: they decide which protocol paths a
// client takes, e.g. kgo uses KIP-890 transactions only at transaction.version 2.
func (b *Broker) finalizedFeatures(ctx context.Context) (string, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addr()))
	if err != nil {
		return "", err
	}
	defer cl.Close()
	req := kmsg.NewPtrApiVersionsRequest()
	req.ClientSoftwareName = "kafkatest"
	req.ClientSoftwareVersion = "1"
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return "", fmt.Errorf("ApiVersions: %w", err)
	}
	var pairs []string
	for _, f := range resp.FinalizedFeatures {
		pairs = append(pairs, fmt.Sprintf("%s=%d", f.Name, f.MaxVersionLevel))
	}
	slices.Sort(pairs)
	return strings.Join(pairs, " "), nil
}

// isBroker reports whether pid is the live broker of dir. Matching the command line guards
// against a recycled pid, and treats a zombie (empty command line) as gone: the broker's
// parent may be slow to reap it. Without /proc (macOS) any live pid counts.
func isBroker(pid int, dir string) bool {
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err == nil && bytes.Contains(cmdline, []byte(filepath.Join(dir, propsFile)))
}

func readPid(dir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, pidFile))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
