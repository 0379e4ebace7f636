package main

import (
	"context"
	"log/slog"

	"github.com/accord-registry/accord/api/exporter"
	"github.com/accord-registry/accord/api/metrics"
	"github.com/accord-registry/accord/store"
)

// startExporters makes the exporters' Manager, which the /exporters API serves, and runs
// their runner until ctx ends or stop is called; stop waits for it, so that the stores it
// uses close after it. leading reports whether this instance runs the exporters (nil:
// always, as on the embedded store); source and keys are the registry and the DEK Registry
// they copy from.
func (c *serveConfig) startExporters(ctx context.Context, stores exporterStores, source, keys *store.Store,
	leading func() bool, m *metrics.Metrics, logger *slog.Logger) (mgr *exporter.Manager, stop func()) {
	cat := exporter.NewCatalog(stores.configs, stores.states)
	mgr = exporter.NewManager(cat, exporter.ManagerConfig{MaxExporters: c.exporters.maxExporters, Secret: c.exporters.secret})
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := exporter.Run(ctx, exporter.RunnerConfig{
			Catalog: cat, Source: source, Keys: keys, Leading: leading, SourceID: stores.sourceID,
			Decrypt: mgr.Decrypt, Metrics: exporter.NewMetrics(m.Registerer()),
			Logger: logger.With("component", "exporter"),
		})
		if err != nil {
			logger.Error("exporters stopped", "err", err)
		}
	}()
	return mgr, func() { cancel(); <-done }
}
