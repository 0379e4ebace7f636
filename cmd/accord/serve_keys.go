package main

import (
	"context"
	"log/slog"
	"path/filepath"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
	"github.com/accord-registry/accord/store/kafkalog"
)

// dekRegistryDir is the directory, under --data-dir, of the embedded DEK Registry's log:
// the keys are a store of their own, as Confluent keeps them in a topic of their own.
const dekRegistryDir = "dek-registry"

// openEmbeddedKeys opens the DEK Registry's store on its own file log; close closes both.
func (c *serveConfig) openEmbeddedKeys(ctx context.Context, base store.Config, logger *slog.Logger) (*store.Store, func(), error) {
	log, err := filelog.Open(filepath.Join(c.dataDir, dekRegistryDir), filelog.Config{Logger: logger.With("component", "filelog", "log", dekRegistryDir)})
	if err != nil {
		return nil, nil, err
	}
	cfg := c.keysConfig(base, logger)
	cfg.Log, cfg.Writable = log, log.Writable
	st, err := store.Open(ctx, cfg)
	if err != nil {
		closeLog(log, logger)
		return nil, nil, err
	}
	return st, func() { st.Close(); closeLog(log, logger) }, nil
}

// keysConfig is the DEK Registry store's configuration: the schema store's, without its log
// and id floor, with the key limit and the KMS drivers for shared KEKs.
func (c *serveConfig) keysConfig(base store.Config, logger *slog.Logger) store.Config {
	cfg := base
	cfg.Log, cfg.Shared, cfg.IDFloor, cfg.Writable = nil, nil, 0, nil
	cfg.Logger = logger.With("registry", "dek")
	cfg.MaxKeys = c.dekMaxKeys
	cfg.KMS = newServerKMS()
	return cfg
}

// openKafkaKeys opens the DEK Registry's topic and its store, which reads it from now on.
func (c *serveConfig) openKafkaKeys(ctx context.Context, base store.Config, logger *slog.Logger) (*kafkalog.Log, *store.Store, error) {
	log, err := c.kafka.openTopic(ctx, c.dataDir, c.kafka.dekTopic, logger)
	if err != nil {
		return nil, nil, err
	}
	cfg := c.keysConfig(base, logger)
	cfg.Shared = log
	st, err := store.Open(ctx, cfg)
	if err != nil {
		_ = log.Close()
		return nil, nil, err
	}
	return log, st, nil
}
