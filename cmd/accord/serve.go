package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/accord-registry/accord/api"
	"github.com/accord-registry/accord/api/auth"
	"github.com/accord-registry/accord/api/metrics"
	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
	"github.com/accord-registry/accord/store/kafkalog"
)

// serveConfig is everything `accord serve` is configured with.
type serveConfig struct {
	listen                string
	dataDir               string
	compatibility         string
	modeMutability        bool
	maxRequestBytes       int64
	incompatibleErrorCode int
	protobufOneofRules    string
	logLevel              string
	logFormat             string
	shutdownTimeout       time.Duration
	authFile              string
	authHashMemory        int64
	metricsAnonymous      bool
	requestTimeout        time.Duration
	maxInFlight           int
	deploymentAttributes  string
	readHeaderTimeout     time.Duration
	bodyReadTimeout       time.Duration
	idleTimeout           time.Duration
	dekMaxKeys            int
	cpuProfile            string
	kafka                 *kafkaConfig
	tls                   *tlsFlags
	exporters             *exporterFlags
	// listener, when not nil, is served instead of listening on --listen: a test opens it on
	// port 0 and keeps it, so no other process can take the port between choosing and binding.
	listener net.Listener

	// users are the users file's, read by loadUsers; nil without --auth-file.
	users *auth.Authenticator
}

const serveUsage = `Usage: accord serve [flags]

Runs the schema registry (Confluent's REST API) on the embedded store in --data-dir, or on
a Kafka topic with --kafka-brokers. Every flag and file is checked before the store is
opened: a mistake stops serve before it announces that it serves. SIGINT or SIGTERM drains
the requests in flight and stops it; SIGHUP re-reads the users file and TLS files.

Exit status: 0 stopped by a signal, 1 failed while starting or serving (the data dir in
use, the address taken, Kafka unreachable), 2 bad usage or configuration (a flag's value,
the users file, a TLS or Kafka file).

Flags:
`

func serveFlags(fs *flag.FlagSet) *serveConfig {
	c := &serveConfig{}
	fs.StringVar(&c.listen, "listen", ":8081", "address to serve the REST API on")
	fs.StringVar(&c.dataDir, "data-dir", "./accord-data", "directory of the embedded store")
	fs.StringVar(&c.compatibility, "compatibility", "BACKWARD", "server default compatibility level")
	fs.BoolVar(&c.modeMutability, "mode-mutability", true, "allow mode changes through the API")
	fs.Int64Var(&c.maxRequestBytes, "max-request-bytes", api.DefaultMaxRequestBytes, "largest accepted request body; larger ones get 413")
	fs.IntVar(&c.incompatibleErrorCode, "incompatible-error-code", 409, "error_code of an incompatible registration: 409 or 40901")
	fs.StringVar(&c.protobufOneofRules, "protobuf-oneof-rules", "current", "Protobuf oneof compatibility rules: current (Confluent releases from mid-2026) or legacy (earlier releases)")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 30*time.Second, "how long to drain in-flight requests on SIGINT/SIGTERM")
	fs.DurationVar(&c.requestTimeout, "request-timeout", api.DefaultRequestTimeout, "longest a request may take; past it the answer is 50002 (the connection's write timeout is this plus 10s)")
	fs.IntVar(&c.maxInFlight, "max-in-flight", api.DefaultMaxInFlight, "requests served at once; more are answered 429 with Retry-After")
	fs.DurationVar(&c.readHeaderTimeout, "read-header-timeout", 10*time.Second, "longest a client may take to send a request's headers")
	fs.DurationVar(&c.bodyReadTimeout, "body-read-timeout", api.DefaultBodyReadTimeout, "longest a client may take to send a request's body, counted from its headers; past it the answer is 408 (capped at --request-timeout)")
	fs.DurationVar(&c.idleTimeout, "idle-timeout", 2*time.Minute, "how long an idle keep-alive connection stays open")
	fs.BoolVar(&c.metricsAnonymous, "metrics-anonymous", false, "with --auth-file: serve GET /metrics without credentials, to a scraper that has none")
	fs.StringVar(&c.deploymentAttributes, "deployment-attributes", "", "comma-separated attributes GET /v1/metadata/deployment reports (Confluent's schema.registry.metadata.deployment.attributes)")
	fs.StringVar(&c.authFile, "auth-file", "", "users file (YAML or JSON, bcrypt or argon2id hashes from accord passwd): require HTTP Basic credentials; re-read on SIGHUP")
	fs.Int64Var(&c.authHashMemory, "auth-hash-memory", auth.DefaultHashMemory>>20, "with --auth-file: MiB of memory the argon2id password checks may use at once; more checks wait their turn, and after 2s get 429")
	fs.IntVar(&c.dekMaxKeys, "dek-registry-max-keys", store.DefaultMaxKeys, "most KEKs, and most DEKs, the DEK Registry holds (Confluent's dek.registry.max.keys)")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the server, from start to stop, to this file (what accord bench --server-cpuprofile reads)")
	c.kafka = kafkaFlags(fs)
	c.tls = tlsServeFlags(fs)
	c.exporters = exporterServeFlags(fs)
	return c
}

// serve runs `accord serve`; it logs to stderr.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return serveOn(ctx, nil, args, stdout, stderr)
}

// serveOn is serve on a listener already open, or on --listen when ln is nil. It closes ln.
func serveOn(ctx context.Context, ln net.Listener, args []string, stdout, stderr io.Writer) error {
	if ln != nil {
		defer ln.Close()
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	setUsage(fs, serveUsage)
	c := serveFlags(fs)
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badUsage(fs, "unexpected argument %q: serve takes flags only", fs.Arg(0))
	}
	c.listener = ln
	logger, err := newLogger(stderr, c.logLevel, c.logFormat)
	if err != nil {
		return badInput(err)
	}
	stopProfile, err := startCPUProfile(c.cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	return c.run(ctx, logger)
}

func (c *serveConfig) run(ctx context.Context, logger *slog.Logger) error {
	base, err := c.prepare(logger)
	if err != nil {
		return badInput(err)
	}
	if c.kafka.enabled() {
		return c.runKafka(ctx, base, logger)
	}
	start := time.Now()
	// store.SchemaID lets the log keep an id floor across damage and compaction.
	log, err := filelog.Open(c.dataDir, filelog.Config{Logger: logger.With("component", "filelog"), Mark: store.SchemaID})
	if err != nil {
		return err
	}
	defer closeLog(log, logger)
	m := metrics.New()
	base.Log, base.IDFloor, base.Writable = m.InstrumentLog(log), int(log.IDFloor()), log.Writable
	st, err := store.Open(ctx, base)
	if err != nil {
		return err
	}
	defer st.Close()
	m.Watch(metrics.Sources{Stats: st.Stats})
	keys, closeKeys, err := c.openEmbeddedKeys(ctx, base, logger)
	if err != nil {
		return err
	}
	defer closeKeys()
	exporters, closeExporters, err := c.openEmbeddedExporters(ctx, base, logger)
	if err != nil {
		return err
	}
	defer closeExporters()
	ln, err := c.listenAPI()
	if err != nil {
		return err
	}
	mgr, stopExporters := c.startExporters(ctx, exporters, st, keys, nil, m, logger)
	defer stopExporters()
	logger.Info("accord serving", "listen", ln.Addr().String(), "store", "embedded", "data_dir", c.dataDir,
		"records", log.Stats().Records, "offset", st.Offset(), "startup", time.Since(start).Round(time.Millisecond))
	return c.serveHTTP(ctx, ln, api.Config{Store: st, Keys: keys, ReadyStores: exporters.distinct(), Exporters: mgr, Metrics: m}, logger)
}

// listenAPI returns the listener handed to serveOn, or listens on --listen.
func (c *serveConfig) listenAPI() (net.Listener, error) {
	if c.listener != nil {
		return c.listener, nil
	}
	return net.Listen("tcp", c.listen)
}

// prepare checks every flag and reads every file serve is given (the users file, the TLS
// and Kafka files) before anything is opened, listened on or announced: a mistake in them
// is reported alone, not after "accord serving", and leaves nothing to clean up.
func (c *serveConfig) prepare(logger *slog.Logger) (store.Config, error) {
	base, err := c.storeConfig(logger)
	if err != nil {
		return base, err
	}
	if err := c.tls.validate(); err != nil {
		return base, err
	}
	if err := c.exporters.validate(); err != nil {
		return base, err
	}
	if c.kafka.enabled() {
		if err := c.kafka.validate(); err != nil {
			return base, err
		}
	}
	return base, c.loadUsers()
}

// loadUsers reads the users file of --auth-file, if given.
func (c *serveConfig) loadUsers() error {
	if c.authFile == "" {
		return nil
	}
	users, err := auth.LoadLimited(c.authFile, auth.Limits{HashMemory: c.authHashMemory << 20})
	if err != nil {
		return err
	}
	c.users = users
	return nil
}

// storeConfig validates the flags every store shares.
func (c *serveConfig) storeConfig(logger *slog.Logger) (store.Config, error) {
	level, ok := compat.ParseLevel(c.compatibility)
	if !ok {
		return store.Config{}, fmt.Errorf("--compatibility %q is not a compatibility level", c.compatibility)
	}
	if c.incompatibleErrorCode != 409 && c.incompatibleErrorCode != 40901 {
		return store.Config{}, fmt.Errorf("--incompatible-error-code must be 409 or 40901, not %d", c.incompatibleErrorCode)
	}
	if c.protobufOneofRules != "current" && c.protobufOneofRules != "legacy" {
		return store.Config{}, fmt.Errorf("--protobuf-oneof-rules must be current or legacy, not %q", c.protobufOneofRules)
	}
	return store.Config{Logger: logger, DefaultLevel: level, ModeImmutable: !c.modeMutability,
		IncompatibleCode: store.Code(c.incompatibleErrorCode), LegacyProtobufOneof: c.protobufOneofRules == "legacy",
		WriteTimeout: c.kafka.writeTimeout}, nil
}

// runKafka serves on the Kafka store: it listens first, so /readyz can say that the store is
// still catching up with the topic, then opens the topic, starts reading it and joins the
// leader election.
func (c *serveConfig) runKafka(ctx context.Context, base store.Config, logger *slog.Logger) error {
	ln, err := c.listenAPI()
	if err != nil {
		return err
	}
	defer ln.Close()
	self, err := c.kafka.identity(ln, c.tls.enabled())
	if err != nil {
		return err
	}
	log, err := c.kafka.openLog(ctx, c.dataDir, logger)
	if err != nil {
		return err
	}
	defer log.Close()
	m := metrics.New()
	base.Shared = m.InstrumentShared(log)
	base.TrustSchemaText = c.kafka.trustSchemaText()
	base.IDFloor = int(log.IDFloor()) // ids of records ignored before the snapshot
	st, err := store.Open(ctx, base)
	if err != nil {
		return err
	}
	defer st.Close()
	keysLog, keys, err := c.openKafkaKeys(ctx, base, logger)
	if err != nil {
		return err
	}
	defer keysLog.Close()
	defer keys.Close()
	exporters, closeExporters, err := c.openKafkaExporters(ctx, base, log.ClusterID(), logger)
	if err != nil {
		return err
	}
	defer closeExporters()
	elector, err := c.kafka.elector(log, self, logger, append([]*kafkalog.Log{keysLog}, exporters.logs...)...)
	if err != nil {
		return err
	}
	electCtx, stopElection := context.WithCancel(context.WithoutCancel(ctx))
	elected := make(chan struct{})
	go func() {
		defer close(elected)
		if err := elector.Run(electCtx); err != nil {
			logger.Error("leader election stopped", "err", err)
		}
	}()
	defer func() { stopElection(); <-elected }()
	mgr, stopExporters := c.startExporters(ctx, exporters, st, keys, func() bool { _, self := elector.Leader(); return self }, m, logger)
	defer stopExporters()
	m.Watch(metrics.Sources{
		Stats:  st.Stats,
		LogEnd: func(ctx context.Context) (int64, error) { return log.Barrier(ctx, false) },
		Leader: func() bool { _, self := elector.Leader(); return self },
	})
	logger.Info("accord serving", "listen", ln.Addr().String(), "store", "kafka", "topic", c.kafka.topic,
		"group", c.kafka.groupID, "advertised_url", self.URL(), "leader_eligible", self.Eligible)
	// A forwarded write may wait the leader's whole write timeout; a little more lets its
	// answer (50002, say) arrive instead of a forwarding error.
	return c.serveHTTP(ctx, ln, api.Config{Store: st, Keys: keys, ReadyStores: exporters.distinct(), Exporters: mgr, Leadership: elector, ClusterID: log.ClusterID(),
		ForwardTimeout: c.kafka.writeTimeout + 5*time.Second, WriteTimeout: c.kafka.writeTimeout, Metrics: m}, logger)
}

// serveHTTP serves until ctx is cancelled, then drains in-flight requests. The users are
// those loadUsers read.
func (c *serveConfig) serveHTTP(ctx context.Context, ln net.Listener, cfg api.Config, logger *slog.Logger) error {
	cfg.Logger, cfg.MaxRequestBytes = logger.With("component", "api"), c.maxRequestBytes
	cfg.MetricsAnonymous, cfg.RequestTimeout, cfg.MaxInFlight = c.metricsAnonymous, c.requestTimeout, c.maxInFlight
	cfg.BodyReadTimeout = c.bodyReadTimeout
	cfg.Version, cfg.Commit = releaseVersion, buildCommit()
	cfg.DeploymentAttributes = splitList(c.deploymentAttributes)
	if c.users != nil {
		cfg.Authenticator, cfg.Policy = c.users, c.users
		logger.Info("authentication on", "auth_file", c.authFile, "users", c.users.Users())
		stop := reloadOnHangup(c.users, logger)
		defer stop()
	}
	ln, peers, stopTLS, err := c.tls.listen(ln, logger)
	if err != nil {
		return err
	}
	defer stopTLS()
	cfg.ForwardTLS = peers
	e := api.New(cfg)
	// TLS handshake failures and other connection errors go to the server's log, not stderr.
	srv := &http.Server{Handler: e, ReadHeaderTimeout: c.readHeaderTimeout, IdleTimeout: c.idleTimeout,
		WriteTimeout: c.requestTimeout + 10*time.Second,
		ErrorLog:     slog.NewLogLogger(logger.With("component", "http").Handler(), slog.LevelWarn)}
	// Headers a little over the API's limit reach it, for Confluent's JSON 431.
	srv.MaxHeaderBytes = api.ServerMaxHeaderBytes
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", c.shutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), c.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("drain requests: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// reloadOnHangup re-reads the users file on every SIGHUP until stop is called. A file that
// does not load leaves the previous users in force.
func reloadOnHangup(users *auth.Authenticator, logger *slog.Logger) (stop func()) {
	return onHangup(func() {
		if err := users.Reload(); err != nil {
			logger.Error("users file not reloaded; the previous users stay in force", "err", err)
			return
		}
		logger.Info("users file reloaded", "users", users.Users())
	})
}

// onHangup calls reload on every SIGHUP until stop is called. Each reloadable file has its
// own, since signal.Notify delivers the signal to every channel registered for it.
func onHangup(reload func()) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-hup:
				reload()
			case <-done:
				return
			}
		}
	}()
	return func() { signal.Stop(hup); close(done) }
}

func closeLog(log *filelog.Log, logger *slog.Logger) {
	if err := log.Close(); err != nil {
		logger.Error("closing log", "err", err)
		return
	}
	logger.Info("log closed")
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: %w", level, err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}
