// Package kafkatest gives Go tests a Kafka cluster: the real broker when one is running, and an
// in-process kfake cluster otherwise.
//
// The same test bodies run twice. `go test ./...` runs every test on kfake, in-process and in
// milliseconds. `make test` (through `make kafka-test`) also starts a real single-node broker
// with test/kafkaharness and reruns, with KAFKA_BOOTSTRAP set, every test whose name contains
// "Kafka", so that what kfake does not model (topic config validation, key-less records on
// compacted topics, compaction offsets, coordinator and transaction timing) is checked against
// Kafka itself. Name a test TestXxxKafka... when it needs Kafka.
//
// Those tests share the one broker, and may be rerun against it with -count, so each takes its
// own topic and group names from [Topic] and [Group] instead of fixed ones.
package kafkatest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// EnvBootstrap names the environment variable that points tests at a real broker: a
// comma-separated list of host:port, as `make kafka-test` sets it from .kafka/bootstrap.
const EnvBootstrap = "KAFKA_BOOTSTRAP"

// Real reports whether the tests run against a real broker ([EnvBootstrap] is set), for the
// few assertions where kfake and Kafka knowingly differ.
func Real() bool {
	return len(bootstrap()) > 0
}

// Brokers returns seed brokers for a test: those in [EnvBootstrap] if it is set, otherwise
// those of a fresh one-broker kfake cluster that is closed when the test ends.
//
// The fake is set up like the harness's broker where kfake has the setting: one broker (so
// "replication factor = live brokers" logic sees what it sees in the harness), one partition
// per topic by default, no topic auto-creation, and group sessions down to 500 ms.
//
// One difference matters to group members under load: Kafka keeps a member alive while its
// JoinGroup waits for the rest of the group to rejoin, kfake does not. A member that waits
// there longer than its session (because a starved peer rejoins late) is dropped, and its
// JoinGroup is never answered: the client waits for kgo's timeout on it, the rebalance
// timeout plus 10 s. Give members a session that a busy machine's pauses do not reach.
func Brokers(t testing.TB) []string {
	t.Helper()
	if seeds := bootstrap(); len(seeds) > 0 {
		return seeds
	}
	c, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.DefaultNumPartitions(1),
		kfake.GroupMinSessionTimeout(500*time.Millisecond),
		kfake.BrokerConfigs(map[string]string{
			"default.replication.factor": "1",
			"min.insync.replicas":        "1",
			"log.cleaner.backoff.ms":     "500",
		}),
	)
	if err != nil {
		t.Fatalf("starting kfake: %v", err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

// Topic returns a topic name unique to this test and run, "_schemas-<test name>-<random>", so
// that tests sharing a broker never see each other's records.
func Topic(t testing.TB) string {
	return "_schemas-" + unique(t)
}

// Group returns a consumer group name unique to this test and run, like [Topic].
func Group(t testing.TB) string {
	return "schema-registry-" + unique(t)
}

func bootstrap() []string {
	var seeds []string
	for s := range strings.SplitSeq(os.Getenv(EnvBootstrap), ",") {
		if s = strings.TrimSpace(s); s != "" {
			seeds = append(seeds, s)
		}
	}
	return seeds
}

// unique makes the test's name safe for Kafka (topic names allow [a-zA-Z0-9._-], at most 249
// characters) and appends a random suffix.
func unique(t testing.TB) string {
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
			return r
		}
		return '_'
	}, t.Name())
	if len(name) > 180 {
		name = name[:180]
	}
	return fmt.Sprintf("%s-%08x", name, rand.Uint32())
}
