package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// ensureTopic creates the topic as Confluent does when it is missing (one partition,
// cleanup.policy=compact, replication factor capped at the live brokers) and refuses a topic
// that would break the registry: more than one partition, or a cleanup policy other than
// exactly "compact". A replication factor below the desired one is only a warning.
func (l *Log) ensureTopic(ctx context.Context) error {
	detail, err := l.describeTopic(ctx)
	if errors.Is(err, kerr.UnknownTopicOrPartition) {
		if err := l.createTopic(ctx); err != nil {
			return err
		}
		detail, err = l.describeTopic(ctx)
	}
	if err != nil {
		return err
	}
	return l.validateTopic(ctx, detail)
}

// describeTopic returns the topic's metadata. Right after a creation the brokers may not know
// the topic yet, so "unknown topic" is retried for a few seconds once it was created.
func (l *Log) describeTopic(ctx context.Context) (kadm.TopicDetail, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		topics, err := l.admin.ListTopics(ctx, l.cfg.Topic)
		if err != nil {
			return kadm.TopicDetail{}, fmt.Errorf("describe topic %s: %w", l.cfg.Topic, err)
		}
		detail, ok := topics[l.cfg.Topic]
		switch {
		case !ok:
			err = kerr.UnknownTopicOrPartition
		case detail.Err != nil:
			err = detail.Err
		case len(detail.Partitions) == 0:
			err = kerr.LeaderNotAvailable
		default:
			return detail, nil
		}
		if !l.created || time.Now().After(deadline) || ctx.Err() != nil {
			return kadm.TopicDetail{}, fmt.Errorf("describe topic %s: %w", l.cfg.Topic, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (l *Log) createTopic(ctx context.Context) error {
	brokers, err := l.admin.ListBrokers(ctx)
	if err != nil {
		return fmt.Errorf("count live brokers: %w", err)
	}
	if len(brokers) == 0 {
		return errors.New("no live Kafka brokers")
	}
	rf := min(l.cfg.ReplicationFactor, len(brokers))
	if rf < l.cfg.ReplicationFactor {
		l.log.Warn("creating the topic with a lower replication factor than configured, because there are fewer live brokers",
			"topic", l.cfg.Topic, "replication_factor", rf, "configured", l.cfg.ReplicationFactor)
	}
	resp, err := l.admin.CreateTopic(ctx, 1, int16(rf), map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}, l.cfg.Topic)
	if err == nil {
		err = resp.Err
	}
	switch {
	case err == nil:
		l.log.Info("created topic", "topic", l.cfg.Topic, "replication_factor", rf)
		l.created = true
		return nil
	case errors.Is(err, kerr.TopicAlreadyExists):
		l.created = true // another instance won the race; validation follows
		return nil
	}
	return fmt.Errorf("create topic %s: %w", l.cfg.Topic, err)
}

func (l *Log) validateTopic(ctx context.Context, detail kadm.TopicDetail) error {
	if n := len(detail.Partitions); n != 1 {
		return fmt.Errorf("topic %s has %d partitions; the registry log must have exactly one (create it with one partition, or choose another --kafka-topic)", l.cfg.Topic, n)
	}
	if rf := detail.Partitions.NumReplicas(); rf < l.cfg.ReplicationFactor {
		l.log.Warn("the topic's replication factor is lower than configured; a broker failure may lose registry data",
			"topic", l.cfg.Topic, "replication_factor", rf, "configured", l.cfg.ReplicationFactor)
	}
	configs, err := l.admin.DescribeTopicConfigs(ctx, l.cfg.Topic)
	if err != nil {
		return fmt.Errorf("describe configs of topic %s: %w", l.cfg.Topic, err)
	}
	rc, err := configs.On(l.cfg.Topic, nil)
	if err != nil {
		return fmt.Errorf("describe configs of topic %s: %w", l.cfg.Topic, err)
	}
	policy := ""
	for _, c := range rc.Configs {
		if c.Key == "cleanup.policy" {
			policy = c.MaybeValue()
		}
	}
	if policy != "compact" {
		return fmt.Errorf("topic %s has cleanup.policy=%q; the registry log needs exactly \"compact\", or old schemas are deleted (alter the topic, or use --kafka-topic-skip-validation at your own risk)", l.cfg.Topic, policy)
	}
	return nil
}
