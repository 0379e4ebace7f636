package kafkagroup

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Protocol names every member of a Confluent-compatible group must use.
const (
	protocolType = "sr" // SchemaRegistryCoordinator.protocolType()
	protocolName = "v0" // SchemaRegistryCoordinator.SR_SUBPROTOCOL_V0
)

// Defaults, Confluent's schema.registry.group.id and kafkagroup.* settings.
const (
	defaultGroup             = "schema-registry"
	defaultSessionTimeout    = 10 * time.Second
	defaultRebalanceTimeout  = 300 * time.Second
	defaultHeartbeatInterval = 3 * time.Second
)

// Config configures an [Elector]. Zero values select the defaults noted.
//
// The Client may be shared with the rest of the instance, but not with another Elector of the
// same group: the broker answers one request per connection at a time, so one member's
// JoinGroup, parked until the rebalance completes, would hold back the other's.
type Config struct {
	Client *kgo.Client // shared client; requests go through cl.Request (kgo routes group requests to the coordinator)
	Group  string      // default "schema-registry"
	Self   Identity    // an empty Scheme means "http"
	// PeerURLs, when not empty, are the only instances that may lead (URLs or host:port): a
	// member not among them is not eligible, and a leader not among them is never forwarded to.
	PeerURLs          []string
	SessionTimeout    time.Duration // default 10s
	RebalanceTimeout  time.Duration // default 300s (Confluent's); tests use small values
	HeartbeatInterval time.Duration // default 3s
	Logger            *slog.Logger  // nil discards
	// OnChange is called from the elector goroutine on every new assignment, when a rebalance
	// starts (the leader steps down until the new result is known) and when membership is
	// lost (with Leader nil, Self false). It must return quickly: heartbeats wait for it.
	OnChange func(Assignment)
}

// withDefaults returns cfg with zero fields replaced by their defaults.
func (cfg Config) withDefaults() Config {
	if cfg.Group == "" {
		cfg.Group = defaultGroup
	}
	if cfg.Self.Scheme == "" {
		cfg.Self.Scheme = "http"
	}
	if cfg.SessionTimeout == 0 {
		cfg.SessionTimeout = defaultSessionTimeout
	}
	if cfg.RebalanceTimeout == 0 {
		cfg.RebalanceTimeout = defaultRebalanceTimeout
	}
	if cfg.HeartbeatInterval == 0 {
		cfg.HeartbeatInterval = defaultHeartbeatInterval
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}

// validate checks a defaulted configuration.
func (cfg Config) validate() error {
	if cfg.Client == nil {
		return errors.New("kafkagroup: no Kafka client")
	}
	if err := cfg.Self.validate(); err != nil {
		return err
	}
	for _, d := range []time.Duration{cfg.SessionTimeout, cfg.RebalanceTimeout, cfg.HeartbeatInterval} {
		if d < time.Millisecond || d.Milliseconds() > math.MaxInt32 {
			return fmt.Errorf("kafkagroup: timeout %v out of range", d)
		}
	}
	if cfg.HeartbeatInterval >= cfg.SessionTimeout {
		return fmt.Errorf("kafkagroup: heartbeat interval %v must be below the session timeout %v", cfg.HeartbeatInterval, cfg.SessionTimeout)
	}
	return nil
}

// Elector takes part in the registry group and tracks who leads it. [Elector.Run] drives the
// membership; [Elector.Leader] and [Elector.Current] may be called from any goroutine.
type Elector struct {
	cfg     Config
	log     *slog.Logger
	trust   trust
	running atomic.Bool

	mu  sync.Mutex // guards cur
	cur Assignment
}

// New checks cfg and returns an elector that has not joined yet.
func New(cfg Config) (*Elector, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	t, err := newTrust(cfg.PeerURLs, cfg.Self)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger.With("component", "kafkagroup", "group", cfg.Group)
	return &Elector{cfg: cfg, log: log, trust: t}, nil
}

// Leader returns the current leader's URL and whether it is this instance; ("", false) while
// the leader is unknown, during a rebalance, or when no member is eligible.
func (e *Elector) Leader() (url string, self bool) {
	a := e.Current()
	if a.Leader == nil {
		return "", false
	}
	return a.Leader.URL(), a.Self
}

// Current returns the latest assignment this instance holds.
func (e *Elector) Current() Assignment {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cur.clone()
}

// publish makes a the current assignment and tells OnChange if it differs from the last one.
func (e *Elector) publish(a Assignment) {
	e.mu.Lock()
	same := e.cur.equal(a)
	e.cur = a.clone()
	e.mu.Unlock()
	if !same && e.cfg.OnChange != nil {
		e.cfg.OnChange(a.clone())
	}
}

// stepDown publishes "no leader known", keeping the generation, and reports whether this
// instance was the leader until now.
func (e *Elector) stepDown() bool {
	cur := e.Current()
	e.publish(Assignment{Generation: cur.Generation})
	return cur.Self
}
