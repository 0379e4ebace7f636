package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
	"github.com/accord-registry/accord/store/kafkalog"
)

// The exporters (Schema Linking) keep their definitions and states apart from the schemas,
// as Confluent keeps them in topics of their own: on the embedded store one file log in
// exportersDir under --data-dir holds both; on Kafka the --kafka-exporter-configs-topic and
// --kafka-exporter-states-topic topics do, written by the leader like the schemas' topic.
const (
	exportersDir = "exporters"
	// sourceIDFile, in exportersDir, keeps the embedded registry's source id: the name of
	// the context an AUTO exporter writes to on its destinations, which must not change
	// across restarts or a destination would receive a second copy under a new name.
	sourceIDFile = "source-id"
)

// exporterFlags are the exporters' flags of `accord serve`.
type exporterFlags struct {
	maxExporters int
	secret       string
}

func exporterServeFlags(fs *flag.FlagSet) *exporterFlags {
	e := &exporterFlags{}
	fs.IntVar(&e.maxExporters, "max-exporters", 10, "most exporters (Schema Linking) the registry holds; more are refused with 40964")
	fs.StringVar(&e.secret, "password-encoder-secret", "", "secret that encrypts the exporters' destination credentials at rest (Confluent's password.encoder.secret); "+
		"prefer ACCORD_PASSWORD_ENCODER_SECRET to the flag, which other users can read in the process list (default: kept in clear)")
	return e
}

func (e *exporterFlags) validate() error {
	if e.maxExporters < 1 {
		return fmt.Errorf("--max-exporters must be at least 1, not %d", e.maxExporters)
	}
	return nil
}

// exporterStores are the stores of the exporters' definitions and states (one and the same
// on the embedded log), and the id of the registry they export from.
type exporterStores struct {
	configs, states *store.Store
	sourceID        string
	// logs are the Kafka topics' logs, which learn every election outcome; none when embedded.
	logs []*kafkalog.Log
}

// distinct returns the stores once each, for the readiness checks.
func (s exporterStores) distinct() []*store.Store {
	if s.configs == s.states {
		return []*store.Store{s.configs}
	}
	return []*store.Store{s.configs, s.states}
}

// exportersStoreConfig is the exporters' store configuration: the schema store's, without
// its log and id floor.
func exportersStoreConfig(base store.Config, logger *slog.Logger) store.Config {
	cfg := base
	cfg.Log, cfg.Shared, cfg.IDFloor, cfg.Writable = nil, nil, 0, nil
	cfg.Logger = logger.With("registry", "exporters")
	return cfg
}

// openEmbeddedExporters opens the exporters' store on its own file log; close closes both.
func (c *serveConfig) openEmbeddedExporters(ctx context.Context, base store.Config, logger *slog.Logger) (exporterStores, func(), error) {
	dir := filepath.Join(c.dataDir, exportersDir)
	log, err := filelog.Open(dir, filelog.Config{Logger: logger.With("component", "filelog", "log", exportersDir)})
	if err != nil {
		return exporterStores{}, nil, err
	}
	id, err := embeddedSourceID(dir)
	if err != nil {
		closeLog(log, logger)
		return exporterStores{}, nil, err
	}
	cfg := exportersStoreConfig(base, logger)
	cfg.Log, cfg.Writable = log, log.Writable
	st, err := store.Open(ctx, cfg)
	if err != nil {
		closeLog(log, logger)
		return exporterStores{}, nil, err
	}
	return exporterStores{configs: st, states: st, sourceID: id}, func() { st.Close(); closeLog(log, logger) }, nil
}

// embeddedSourceID returns the source id kept in dir, creating it on first use.
func embeddedSourceID(dir string) (string, error) {
	path := filepath.Join(dir, sourceIDFile)
	data, err := os.ReadFile(path)
	if err == nil {
		id := strings.TrimSpace(string(data))
		if id == "" {
			return "", fmt.Errorf("%s is empty: remove it to have a new source id made (AUTO exporters then write to a new context)", path)
		}
		return id, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	id := "accord-" + hex.EncodeToString(b[:])
	if err := filelog.ReplaceFile(path, []byte(id+"\n"), 0o644); err != nil {
		return "", err
	}
	return id, nil
}

// openKafkaExporters opens the exporters' two topics and their stores; the source id is the
// Kafka cluster's id. close closes the stores and the logs.
func (c *serveConfig) openKafkaExporters(ctx context.Context, base store.Config, clusterID string, logger *slog.Logger) (exporterStores, func(), error) {
	var (
		out    = exporterStores{sourceID: clusterID}
		closes []func()
	)
	closeAll := func() {
		for i := len(closes) - 1; i >= 0; i-- {
			closes[i]()
		}
	}
	for _, topic := range []string{c.kafka.exporterConfigsTopic, c.kafka.exporterStatesTopic} {
		log, err := c.kafka.openTopic(ctx, c.dataDir, topic, logger)
		if err != nil {
			closeAll()
			return exporterStores{}, nil, err
		}
		closes = append(closes, func() { _ = log.Close() })
		cfg := exportersStoreConfig(base, logger.With("topic", topic))
		cfg.Shared = log
		st, err := store.Open(ctx, cfg)
		if err != nil {
			closeAll()
			return exporterStores{}, nil, err
		}
		closes = append(closes, st.Close)
		out.logs = append(out.logs, log)
		if out.configs == nil {
			out.configs = st
		} else {
			out.states = st
		}
	}
	return out, closeAll, nil
}
