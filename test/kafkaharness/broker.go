package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// serverProperties configures one combined broker+controller on loopback. The settings after
// log.dirs shrink Kafka's production defaults to one node and make tests fast: one partition for
// the offsets and transaction topics (50 would be created on the first FindCoordinator), no
// initial rebalance delay (3 s per new group otherwise), short group sessions allowed for
// failover tests, and an 8 MiB cleaner buffer (128 MiB of a 512 MiB heap otherwise).
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

// Files in the broker's directory. marker says the directory is ours, so that down never
// removes a directory it did not make (think `-dir .`).
const (
	marker        = ".kafkaharness"
	propsFile     = "server.properties"
	log4jFile     = "log4j2.properties"
	logFile       = "broker.log"
	pidFile       = "broker.pid"
	bootstrapFile = "bootstrap"
)

// up starts a broker in dir, or reuses the one a previous up left there, and returns its
// bootstrap address once it is ready.
func up(ctx context.Context, libs, dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if addr, ok := reusable(ctx, dir); ok {
		logf("reusing the broker at %s (%s)", addr, dir)
		return addr, nil
	}
	if err := down(dir); err != nil { // whatever an earlier run left behind
		return "", err
	}
	brokerPort, controllerPort, err := freePorts()
	if err != nil {
		return "", err
	}
	if err := writeConfig(dir, brokerPort, controllerPort); err != nil {
		return "", err
	}

	start := time.Now()
	if err := format(ctx, libs, dir); err != nil {
		return "", err
	}
	pid, exited, err := startBroker(libs, dir)
	if err != nil {
		return "", err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(brokerPort))
	if err := waitReady(ctx, addr, exited); err != nil {
		if serr := stop(pid, dir); serr != nil {
			logf("%v", serr)
		}
		log := filepath.Join(dir, logFile)
		return "", fmt.Errorf("%w\nlast lines of %s:\n%s", err, log, tail(log, 40))
	}
	if err := os.WriteFile(filepath.Join(dir, bootstrapFile), []byte(addr+"\n"), 0o644); err != nil {
		return "", err
	}
	logf("broker (pid %d) ready at %s after %s", pid, addr, time.Since(start).Round(100*time.Millisecond))
	return addr, nil
}

// down stops the broker in dir, if one runs, and removes dir. A missing dir is not an error.
func down(dir string) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, marker)); err != nil && len(entries) > 0 {
		return fmt.Errorf("refusing to remove %s: kafkaharness did not make it (no %s file)", dir, marker)
	}
	if pid, err := readPid(dir); err == nil {
		if err := stop(pid, dir); err != nil {
			return err
		}
	}
	return os.RemoveAll(dir)
}

// reusable reports the address of a broker that a previous up left running in dir, if it
// still answers.
func reusable(ctx context.Context, dir string) (string, bool) {
	pid, err := readPid(dir)
	if err != nil || !isBroker(pid, dir) {
		return "", false
	}
	b, err := os.ReadFile(filepath.Join(dir, bootstrapFile))
	if err != nil {
		return "", false
	}
	addr := strings.TrimSpace(string(b))
	if err := ping(ctx, addr); err != nil {
		logf("the broker in %s (pid %d) does not answer (%v); replacing it", dir, pid, err)
		return "", false
	}
	return addr, true
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

// writeConfig creates dir with the broker's configuration, and the data and tmp directories.
func writeConfig(dir string, brokerPort, controllerPort int) error {
	for _, d := range []string{"data", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	props := strings.NewReplacer(
		"${BROKER_PORT}", strconv.Itoa(brokerPort),
		"${CONTROLLER_PORT}", strconv.Itoa(controllerPort),
		"${DIR}", dir,
	).Replace(serverProperties)
	files := []struct{ name, text string }{
		{marker, "made by go run ./test/kafkaharness up; removed by down\n"},
		{propsFile, props},
		{log4jFile, log4j2Properties},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), []byte(f.text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// jvmFlags are the java flags shared by the formatter and the broker. Serial GC and the C1
// compiler alone start faster and use fewer threads on a two-core machine. snappy-java and
// zstd-jni unpack native libraries into java.io.tmpdir (kgo compresses with snappy by default),
// so it points into dir rather than a /tmp that may be noexec.
func jvmFlags(libs, dir string) []string {
	return []string{
		"-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
		"-Djava.io.tmpdir=" + filepath.Join(dir, "tmp"),
		"-Dlog4j2.configurationFile=" + filepath.Join(dir, log4jFile),
		"-cp", filepath.Join(libs, "*"), // java expands the wildcard itself
	}
}

// format writes the KRaft metadata for a fresh cluster into the data directory.
func format(ctx context.Context, libs, dir string) error {
	args := append(jvmFlags(libs, dir), "kafka.tools.StorageTool", "format",
		"-t", newClusterID(), "-c", filepath.Join(dir, propsFile))
	out, err := exec.CommandContext(ctx, "java", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("formatting the broker's storage: %w\n%s", err, out)
	}
	logf("%s", bytes.TrimSpace(out))
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

// startBroker starts the broker in the background and records its pid. exited reports the
// end of the process while this program still runs.
func startBroker(libs, dir string) (pid int, exited <-chan error, err error) {
	log, err := os.Create(filepath.Join(dir, logFile))
	if err != nil {
		return 0, nil, err
	}
	defer log.Close() // the broker has its own descriptor

	args := append([]string{"-Xms128m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError"}, jvmFlags(libs, dir)...)
	cmd := exec.Command("java", append(args, "kafka.Kafka", filepath.Join(dir, propsFile))...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = log, log
	// Its own process group: the broker outlives `go run`, a Ctrl-C in the terminal that ran up
	// does not reach it, and down signals the whole group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return 0, nil, fmt.Errorf("starting java: %w", err)
	}
	pid = cmd.Process.Pid
	if err := os.WriteFile(filepath.Join(dir, pidFile), []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		return 0, nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	return pid, done, nil
}

// stop ends the broker's process group: SIGTERM for a controlled shutdown, SIGKILL if it is
// still running 10 s later.
func stop(pid int, dir string) error {
	if !isBroker(pid, dir) {
		return nil
	}
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	if gone(pid, dir, 10*time.Second) {
		return nil
	}
	logf("the broker (pid %d) is still running 10s after SIGTERM; sending SIGKILL", pid)
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	if gone(pid, dir, 5*time.Second) {
		return nil
	}
	return fmt.Errorf("the broker (pid %d) survived SIGKILL", pid)
}

// gone waits up to timeout for the broker to exit.
func gone(pid int, dir string, timeout time.Duration) bool {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if !isBroker(pid, dir) {
			return true
		}
	}
	return false
}

// isBroker reports whether pid is the live broker of dir. Matching the command line guards
// against a recycled pid, and treats a zombie (empty command line) as gone: the broker's
// adoptive parent may be slow to reap it. Without /proc (macOS) any live pid counts.
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
