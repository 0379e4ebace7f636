package kafkalog

import (
	"errors"
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Config configures a [Log]. Zero values mean the defaults noted.
type Config struct {
	// Brokers are the bootstrap brokers, host:port.
	Brokers []string
	// Topic is the registry topic (default `_schemas`).
	Topic string
	// ReplicationFactor is the desired replication factor of a topic Accord creates (default
	// 3), capped at the number of live brokers as Confluent does.
	ReplicationFactor int
	// SkipValidation neither creates nor checks the topic (kafkastore.topic.skip.validation).
	SkipValidation bool
	// TransactionalID is the leader's transactional producer id. Every instance of one
	// registry must derive the same one, so that a new leader fences the old.
	TransactionalID string
	// ClientOpts carry TLS and SASL settings to every Kafka client the log makes.
	ClientOpts []kgo.Opt
	// SnapshotPath is where a snapshot of the applied records is kept; "" disables snapshots.
	SnapshotPath string
	// SnapshotTrustsText says that the store applying this log checks schema texts without
	// parsing them (store's Config.TrustSchemaText). It is written into the snapshot, and a
	// snapshot whose records were checked otherwise is discarded at Open: an instance that
	// parses never takes records only trusted, whatever the file's name.
	SnapshotTrustsText bool
	// SnapshotInterval is how often the snapshot is rewritten while records arrive (default 30s).
	SnapshotInterval time.Duration
	// FenceCooldown is how long a fenced leader refuses to write unless re-elected (default
	// 30s, well above the election's session timeout).
	FenceCooldown time.Duration
	// Logger receives lifecycle events; nil discards them.
	Logger *slog.Logger
}

func (c *Config) applyDefaults() error {
	if len(c.Brokers) == 0 {
		return errors.New("kafkalog: no brokers")
	}
	if c.TransactionalID == "" {
		return errors.New("kafkalog: no transactional id")
	}
	if c.Topic == "" {
		c.Topic = "_schemas"
	}
	if c.ReplicationFactor <= 0 {
		c.ReplicationFactor = 3
	}
	if c.SnapshotInterval <= 0 {
		c.SnapshotInterval = 30 * time.Second
	}
	if c.FenceCooldown <= 0 {
		c.FenceCooldown = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// TransactionalID derives the leader's transactional id from the group and topic: instances
// of one registry share both, so they share the id and each new leader fences the last.
func TransactionalID(group, topic string) string {
	return "accord-leader." + group + "." + topic
}

// clientOpts returns the options every client of the log starts from.
func (c *Config) clientOpts(extra ...kgo.Opt) []kgo.Opt {
	opts := []kgo.Opt{kgo.SeedBrokers(c.Brokers...)}
	opts = append(opts, c.ClientOpts...)
	return append(opts, extra...)
}
