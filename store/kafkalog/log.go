package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/accord-registry/accord/store"
)

// Log is the registry log on a Kafka topic; it implements [store.SharedLog].
type Log struct {
	cfg   Config
	log   *slog.Logger
	cl    *kgo.Client // admin requests and offsets
	admin *kadm.Client

	created   bool // this instance created the topic (or raced another that did)
	clusterID string
	topicID   string
	snap      loadedSnapshot // what Follow delivers before it reads the topic

	wmu    ctxLock // serialises Barrier(write) and Append: the writer's client and offsets
	writer writerState

	lmu    sync.Mutex // guards leadership
	leader leadership

	closeOnce sync.Once
}

var _ store.SharedLog = (*Log)(nil)

// Open connects to the cluster, creates or validates the topic (unless told not to), and
// loads the local snapshot if it still matches the topic. Reading starts with Follow.
func Open(ctx context.Context, cfg Config) (*Log, error) {
	if err := cfg.applyDefaults(); err != nil {
		return nil, err
	}
	// A short metadata age lets the topic's metadata show right after this instance created it.
	cl, err := kgo.NewClient(cfg.clientOpts(kgo.MetadataMinAge(100 * time.Millisecond))...)
	if err != nil {
		return nil, fmt.Errorf("kafka client: %w", err)
	}
	l := &Log{cfg: cfg, log: cfg.Logger, cl: cl, admin: kadm.NewClient(cl), wmu: newCtxLock()}
	if err := l.open(ctx); err != nil {
		cl.Close()
		return nil, err
	}
	return l, nil
}

func (l *Log) open(ctx context.Context) error {
	if !l.cfg.SkipValidation {
		if err := l.ensureTopic(ctx); err != nil {
			return err
		}
	}
	md, err := l.admin.Metadata(ctx, l.cfg.Topic)
	if err != nil {
		return fmt.Errorf("metadata of topic %s: %w", l.cfg.Topic, err)
	}
	detail, ok := md.Topics[l.cfg.Topic]
	if !ok || detail.Err != nil {
		return fmt.Errorf("topic %s is not available: %v", l.cfg.Topic, errors.Join(detail.Err))
	}
	l.clusterID, l.topicID = md.Cluster, detail.ID.String()
	l.snap = l.loadSnapshot(ctx)
	return nil
}

// ClusterID is the Kafka cluster id, which /v1/metadata/id reports.
func (l *Log) ClusterID() string { return l.clusterID }

// Client returns the log's Kafka client, which the leader election shares.
func (l *Log) Client() *kgo.Client { return l.cl }

// Close releases the log's Kafka clients. Stop the store (and so Follow) first.
func (l *Log) Close() error {
	l.closeOnce.Do(func() {
		l.wmu.lock(context.Background())
		l.writer.close()
		l.wmu.unlock()
		l.cl.Close()
	})
	return nil
}
