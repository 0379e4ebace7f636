package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/accord-registry/accord/store/kafkagroup"
	"github.com/accord-registry/accord/store/kafkalog"
)

// kafkaConfig is the `accord serve` configuration of the Kafka store.
type kafkaConfig struct {
	brokers           string
	topic             string
	dekTopic          string
	replicationFactor int
	skipValidation    bool
	groupID           string
	advertisedURL     string
	leaderEligible    bool
	peerURLs          string
	snapshot          bool
	schemaCheck       string
	sessionTimeout    time.Duration
	heartbeatInterval time.Duration
	initTimeout       time.Duration
	writeTimeout      time.Duration

	// exporterConfigsTopic and exporterStatesTopic hold the exporters' definitions and states.
	exporterConfigsTopic, exporterStatesTopic string

	tls           bool
	tlsCAFile     string
	tlsCertFile   string
	tlsKeyFile    string
	tlsServerName string
	tlsSkipVerify bool
	saslMechanism string
	saslUser      string
	saslPassword  string
}

func kafkaFlags(fs *flag.FlagSet) *kafkaConfig {
	k := &kafkaConfig{}
	fs.StringVar(&k.brokers, "kafka-brokers", "", "comma-separated Kafka bootstrap brokers; selects the Kafka store (the _schemas topic) instead of the embedded one")
	fs.StringVar(&k.topic, "kafka-topic", "_schemas", "the registry topic")
	fs.StringVar(&k.dekTopic, "kafka-dek-topic", "_dek_registry_keys", "the DEK Registry's topic (Confluent's dek.registry.topic)")
	fs.StringVar(&k.exporterConfigsTopic, "kafka-exporter-configs-topic", "_exporter_configs", "the exporters' definitions topic (Confluent's _exporter_configs)")
	fs.StringVar(&k.exporterStatesTopic, "kafka-exporter-states-topic", "_exporter_states", "the exporters' states topic (Confluent's _exporter_states)")
	fs.IntVar(&k.replicationFactor, "kafka-replication-factor", 3, "replication factor of a topic Accord creates, capped at the number of live brokers")
	fs.BoolVar(&k.skipValidation, "kafka-topic-skip-validation", false, "neither create nor check the topic")
	fs.StringVar(&k.groupID, "group-id", "schema-registry", "group in which instances elect their leader (Confluent's schema.registry.group.id); "+
		"a security boundary: whoever can join it can become leader and receive forwarded writes with the clients' credentials, so restrict it with Kafka group ACLs")
	fs.StringVar(&k.peerURLs, "kafka-peer-urls", "", "comma-separated URLs or host:port of the instances allowed to lead; "+
		"when set, no other group member is elected or forwarded to (default: any member of the group)")
	fs.StringVar(&k.advertisedURL, "advertised-url", "", "URL other instances reach this one at (default http://<hostname>:<listen port>, https:// with --tls-cert)")
	fs.BoolVar(&k.leaderEligible, "leader-eligible", true, "whether this instance may become the leader")
	fs.BoolVar(&k.snapshot, "kafka-snapshot", true, "keep a snapshot of the topic in --data-dir so restarts replay only the tail")
	fs.StringVar(&k.schemaCheck, "kafka-schema-check", "parse", "how schemas read from the topic are checked: parse (one whose text does not parse is ignored; 20-160 µs of CPU per schema at startup without a snapshot) "+
		"or trust (only its type and references are checked, as Confluent checks nothing; text that does not parse is served). Every instance on a topic must use the same")
	fs.DurationVar(&k.sessionTimeout, "group-session-timeout", 10*time.Second, "how long the group waits for a silent instance before electing another leader")
	fs.DurationVar(&k.heartbeatInterval, "group-heartbeat-interval", 3*time.Second, "how often an instance tells the group it is alive")
	fs.DurationVar(&k.initTimeout, "kafka-init-timeout", time.Minute, "how long startup may wait for Kafka")
	fs.DurationVar(&k.writeTimeout, "write-timeout", 10*time.Second, "how long a write may wait for Kafka before failing with 50002, and for a leader to be elected before failing with 50004")
	fs.BoolVar(&k.tls, "kafka-tls", false, "connect to Kafka over TLS (implied by the other --kafka-tls-* flags)")
	fs.StringVar(&k.tlsCAFile, "kafka-tls-ca-file", "", "PEM file of the CAs that sign the brokers' certificates (default: the system's)")
	fs.StringVar(&k.tlsCertFile, "kafka-tls-cert-file", "", "PEM client certificate for mutual TLS")
	fs.StringVar(&k.tlsKeyFile, "kafka-tls-key-file", "", "PEM key of --kafka-tls-cert-file")
	fs.StringVar(&k.tlsServerName, "kafka-tls-server-name", "", "server name to verify the brokers' certificates against (default: the broker host)")
	fs.BoolVar(&k.tlsSkipVerify, "kafka-tls-insecure-skip-verify", false, "do not verify the brokers' certificates (testing only)")
	fs.StringVar(&k.saslMechanism, "kafka-sasl-mechanism", "", "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
	fs.StringVar(&k.saslUser, "kafka-sasl-user", "", "SASL user name")
	fs.StringVar(&k.saslPassword, "kafka-sasl-password", "", "SASL password")
	return k
}

func (k *kafkaConfig) enabled() bool { return strings.TrimSpace(k.brokers) != "" }

// validate checks the Kafka flags and reads their files before serve connects anywhere.
func (k *kafkaConfig) validate() error {
	if _, err := k.clientOpts(); err != nil {
		return err
	}
	if k.advertisedURL != "" {
		if _, err := kafkagroup.IdentityFromURL(k.advertisedURL, k.leaderEligible); err != nil {
			return fmt.Errorf("--advertised-url: %w", err)
		}
	}
	if k.schemaCheck != "parse" && k.schemaCheck != "trust" {
		return fmt.Errorf("--kafka-schema-check must be parse or trust, not %q", k.schemaCheck)
	}
	if k.heartbeatInterval >= k.sessionTimeout {
		return fmt.Errorf("--group-heartbeat-interval %v must be below --group-session-timeout %v", k.heartbeatInterval, k.sessionTimeout)
	}
	return nil
}

// clientOpts turns the TLS and SASL flags into Kafka client options.
func (k *kafkaConfig) clientOpts() ([]kgo.Opt, error) {
	var opts []kgo.Opt
	if k.tls || k.tlsCAFile != "" || k.tlsCertFile != "" || k.tlsServerName != "" || k.tlsSkipVerify {
		cfg, err := k.tlsConfig()
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.DialTLSConfig(cfg))
	}
	if k.saslMechanism != "" {
		opt, err := k.sasl()
		if err != nil {
			return nil, err
		}
		opts = append(opts, opt)
	}
	return opts, nil
}

func (k *kafkaConfig) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: k.tlsServerName, InsecureSkipVerify: k.tlsSkipVerify} //nolint:gosec // opt-in flag
	if k.tlsCAFile != "" {
		pool, err := caPool("kafka-tls-ca-file", k.tlsCAFile)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	if (k.tlsCertFile == "") != (k.tlsKeyFile == "") {
		return nil, errors.New("--kafka-tls-cert-file and --kafka-tls-key-file go together")
	}
	if k.tlsCertFile != "" {
		cert, err := tls.LoadX509KeyPair(k.tlsCertFile, k.tlsKeyFile)
		if err != nil {
			return nil, fmt.Errorf("--kafka-tls-cert-file: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

func (k *kafkaConfig) sasl() (kgo.Opt, error) {
	switch strings.ToUpper(k.saslMechanism) {
	case "PLAIN":
		return kgo.SASL(plain.Auth{User: k.saslUser, Pass: k.saslPassword}.AsMechanism()), nil
	case "SCRAM-SHA-256":
		return kgo.SASL(scram.Auth{User: k.saslUser, Pass: k.saslPassword}.AsSha256Mechanism()), nil
	case "SCRAM-SHA-512":
		return kgo.SASL(scram.Auth{User: k.saslUser, Pass: k.saslPassword}.AsSha512Mechanism()), nil
	}
	return nil, fmt.Errorf("--kafka-sasl-mechanism %q: want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", k.saslMechanism)
}

// identity is how this instance presents itself to the group: --advertised-url, or the host
// name and the port it listens on.
func (k *kafkaConfig) identity(ln net.Listener, https bool) (kafkagroup.Identity, error) {
	raw := k.advertisedURL
	if raw == "" {
		host, err := os.Hostname()
		if err != nil {
			return kafkagroup.Identity{}, fmt.Errorf("--advertised-url not set and no host name: %w", err)
		}
		scheme := "http://"
		if https {
			scheme = "https://"
		}
		raw = scheme + net.JoinHostPort(host, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	}
	return kafkagroup.IdentityFromURL(raw, k.leaderEligible)
}

// trustSchemaText reports whether --kafka-schema-check is trust.
func (k *kafkaConfig) trustSchemaText() bool { return k.schemaCheck == "trust" }

// openLog connects to Kafka and prepares the registry topic. Its snapshot holds only records
// that passed this instance's checks, so trusting text gets a snapshot of its own: one made
// trusting text must never be taken, without a parse, by an instance that parses.
func (k *kafkaConfig) openLog(ctx context.Context, dataDir string, logger *slog.Logger) (*kafkalog.Log, error) {
	snapshot := "kafka-snapshot-" + k.topic
	if k.trustSchemaText() {
		snapshot += "-trusted"
	}
	return k.openTopicSnapshot(ctx, dataDir, k.topic, snapshot, logger)
}

// openTopic connects to Kafka and prepares a topic of the registry: each has its own
// transactional id and snapshot file, and the leader writes all of them.
func (k *kafkaConfig) openTopic(ctx context.Context, dataDir, topic string, logger *slog.Logger) (*kafkalog.Log, error) {
	return k.openTopicSnapshot(ctx, dataDir, topic, "kafka-snapshot-"+topic, logger)
}

// openTopicSnapshot is openTopic with the snapshot's file name in --data-dir.
func (k *kafkaConfig) openTopicSnapshot(ctx context.Context, dataDir, topic, snapshot string, logger *slog.Logger) (*kafkalog.Log, error) {
	opts, err := k.clientOpts()
	if err != nil {
		return nil, err
	}
	snapshotPath := ""
	if k.snapshot {
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return nil, fmt.Errorf("--data-dir: %w", err)
		}
		snapshotPath = filepath.Join(dataDir, snapshot)
	}
	ctx, cancel := context.WithTimeout(ctx, k.initTimeout)
	defer cancel()
	return kafkalog.Open(ctx, kafkalog.Config{
		Brokers: splitList(k.brokers), Topic: topic, ReplicationFactor: k.replicationFactor,
		SkipValidation: k.skipValidation, TransactionalID: kafkalog.TransactionalID(k.groupID, topic),
		ClientOpts: opts, SnapshotPath: snapshotPath, Logger: logger.With("component", "kafkalog", "topic", topic),
		SnapshotTrustsText: topic == k.topic && k.trustSchemaText(),
		FenceCooldown:      3 * k.sessionTimeout,
	})
}

// elector joins the leader election; every log learns every outcome, so that the one leader
// writes all of the registry's topics, each fenced as the first.
func (k *kafkaConfig) elector(log *kafkalog.Log, self kafkagroup.Identity, logger *slog.Logger, others ...*kafkalog.Log) (*kafkagroup.Elector, error) {
	return kafkagroup.New(kafkagroup.Config{
		Client: log.Client(), Group: k.groupID, Self: self, PeerURLs: splitList(k.peerURLs),
		SessionTimeout: k.sessionTimeout, HeartbeatInterval: k.heartbeatInterval,
		Logger: logger,
		OnChange: func(a kafkagroup.Assignment) {
			for _, l := range append([]*kafkalog.Log{log}, others...) {
				l.SetLeader(a.Self, a.Generation)
			}
		},
	})
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
