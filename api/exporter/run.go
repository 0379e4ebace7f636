package exporter

import (
	"context"
	"log/slog"
	"time"

	"github.com/accord-registry/accord/store"
)

// RunnerConfig is what [Run] needs.
type RunnerConfig struct {
	Catalog *Catalog
	// Source is the schema registry the exporters copy from; nothing is written to it.
	Source *store.Store
	// Keys is the DEK Registry; nil copies no keys.
	Keys *store.Store
	// Leading reports whether this instance runs exporters now; nil means always.
	Leading func() bool
	// SourceID names the AUTO context on destinations: "." + SourceID.
	SourceID string
	// Decrypt returns a definition with its secret config values in clear; nil keeps it.
	Decrypt func(store.Exporter) (store.Exporter, error)
	Metrics *Metrics // nil records none
	Logger  *slog.Logger
	// RetryMin and RetryMax bound the backoff against an unreachable destination
	// (defaults 500ms and 30s).
	RetryMin, RetryMax time.Duration
	// RequestTimeout bounds each request to a destination, answer included (default 30s):
	// a destination that takes requests and never answers is retried as an unreachable one.
	RequestTimeout time.Duration
}

func (cfg RunnerConfig) withDefaults() RunnerConfig {
	if cfg.Decrypt == nil {
		cfg.Decrypt = func(e store.Exporter) (store.Exporter, error) { return e, nil }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.RetryMin <= 0 {
		cfg.RetryMin = 500 * time.Millisecond
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.RetryMax < cfg.RetryMin {
		cfg.RetryMax = max(30*time.Second, cfg.RetryMin)
	}
	return cfg
}

// resyncEvery is how often the supervisor looks at the exporters and the leadership even
// when no store advanced.
const resyncEvery = time.Second

// Run supervises the exporters until ctx ends: while this instance leads, one worker runs
// each exporter that is neither PAUSED nor in ERROR. A worker stops when its exporter's
// generation ends (the API paused, updated, reset, resumed or deleted it), when it fails,
// and when leadership is lost; the supervisor starts a new one whenever the exporter should
// run and none does. An exporter's failure never ends Run; Run returns nil once ctx ends and
// every worker has stopped.
func Run(ctx context.Context, cfg RunnerConfig) error {
	s := newSupervisor(cfg.withDefaults())
	defer s.stopAll()
	tick := time.NewTicker(resyncEvery)
	defer tick.Stop()
	for {
		configs, states := s.cfg.Catalog.Configs.Advanced(), s.cfg.Catalog.States.Advanced()
		s.sync(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-configs:
		case <-states:
		case <-s.exited:
		case <-tick.C:
		}
	}
}
