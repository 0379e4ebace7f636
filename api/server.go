package api

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/api/exporter"
	"github.com/accord-registry/accord/api/metrics"
	"github.com/accord-registry/accord/store"
)

// Config configures the HTTP API. The zero value of each field but Store means its default.
type Config struct {
	// Store is the registry the API serves.
	Store *store.Store
	// Keys is the DEK Registry (/dek-registry/v1): a store on a log of its own (the
	// `_dek_registry_keys` topic, or its own directory). Nil answers its routes 404.
	Keys *store.Store
	// Exporters serves Schema Linking's /exporters; nil answers its routes 404.
	Exporters *exporter.Manager
	// Logger receives one debug line per request and the cause of every 5xx; nil discards.
	Logger *slog.Logger
	// MaxRequestBytes bounds request bodies; larger ones get 413 (default 16 MiB).
	MaxRequestBytes int64
	// ClusterID is reported by /v1/metadata/id as the kafka-cluster id.
	ClusterID string
	// Version and Commit are reported by /v1/metadata/version.
	Version, Commit string
	// DeploymentAttributes are reported by /v1/metadata/deployment (none by default).
	DeploymentAttributes []string
	// ReadyStores are further stores on logs of their own (the exporters'), which /readyz
	// waits for and checks as it does Store and Keys.
	ReadyStores []*store.Store
	// Leadership tells which instance accepts writes; nil means this one always does (the
	// embedded store).
	Leadership Leadership
	// ForwardTimeout bounds a write forwarded to the leader (default 30s).
	ForwardTimeout time.Duration
	// WriteTimeout bounds how long a write waits for an election, while no leader is known or
	// after a deposed leader refused it with 50004. Zero means no wait: 50004 at once, as
	// Confluent answers (the serve command passes its --write-timeout).
	WriteTimeout time.Duration
	// ForwardClient sends forwarded requests; nil means a client with ForwardTimeout and
	// ForwardTLS.
	ForwardClient *http.Client
	// ForwardTLS is the TLS configuration for calling a leader served over HTTPS; nil means
	// Go's defaults.
	ForwardTLS *tls.Config
	// Authenticator, when set, requires HTTP Basic credentials on every request but the
	// health probes; forwarded writes carry the caller's credentials to the leader.
	Authenticator Authenticator
	// Policy, when set, decides what each authenticated principal may do: 403 for the rest,
	// and lists filtered to the subjects it may read.
	Policy Policy
	// Metrics, when set, counts and times requests and serves GET /metrics.
	Metrics *metrics.Metrics
	// MetricsAnonymous serves /metrics without credentials when authentication is on.
	MetricsAnonymous bool
	// RequestTimeout bounds each request (default 60s); past it the answer is 50002.
	RequestTimeout time.Duration
	// MaxInFlight bounds the requests served at once (default 1024); more get 429.
	MaxInFlight int
	// BodyReadTimeout bounds the time from the start of a request's handling to the last
	// byte of its body (default 30s, capped at RequestTimeout); past it the answer is 408 and
	// the connection closes.
	BodyReadTimeout time.Duration

	// ready replaces the store's readiness in readyGate, for the tests of the gate.
	ready func() bool
}

// DefaultMaxRequestBytes is the default bound on request bodies.
const DefaultMaxRequestBytes = 16 << 20

// New returns the echo instance serving the registry API.
func New(cfg Config) *echo.Echo {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxRequestBytes <= 0 {
		cfg.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if cfg.ClusterID == "" {
		cfg.ClusterID = "accord"
	}
	if cfg.ForwardTimeout <= 0 {
		cfg.ForwardTimeout = DefaultForwardTimeout
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.BodyReadTimeout <= 0 {
		cfg.BodyReadTimeout = DefaultBodyReadTimeout
	}
	// A body read past the request's deadline serves nothing (the handler then answers
	// 50002), yet holds its in-flight slot: the request timeout bounds the body's too.
	cfg.BodyReadTimeout = min(cfg.BodyReadTimeout, cfg.RequestTimeout)
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	if cfg.ForwardClient == nil && cfg.Leadership != nil {
		cfg.ForwardClient = newForwardClient(cfg.ForwardTimeout, cfg.ForwardTLS)
	}
	h := &handlers{store: cfg.Store, cfg: cfg}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(cfg.Logger)
	pre := []echo.MiddlewareFunc{limitHeaders(MaxHeaderBytes), keepRequestURI, trimTrailingSlash, rewriteContextPaths}
	routed := []echo.MiddlewareFunc{requestID}
	if cfg.Metrics != nil {
		routed = append(routed, cfg.Metrics.Middleware)
	}
	routed = append(routed, accessLog(cfg.Logger), recoverPanics, limitBodyRead(cfg.BodyReadTimeout), limitInFlight(cfg.MaxInFlight), deadline(cfg.RequestTimeout))
	if cfg.Authenticator != nil {
		routed = append(routed, authenticate(cfg.Authenticator, cfg.MetricsAnonymous, cfg.Logger))
	}
	routed = append(routed, failPathErrors)
	if cfg.Leadership != nil && cfg.WriteTimeout > 0 {
		routed = append(routed, awaitReady(cfg.readiness(), cfg.WriteTimeout))
	}
	routed = append(routed, negotiate, readyGate(cfg.readiness()), limitBody(cfg.MaxRequestBytes))
	if cfg.Policy != nil {
		routed = append(routed, h.authorize)
	}
	e.Pre(chainOnce(e, pre, routed))
	register(e, h)
	return e
}

// readiness is what readyGate asks: the store's readiness, unless a test set its own.
func (cfg Config) readiness() func() bool {
	if cfg.ready != nil {
		return cfg.ready
	}
	return storeReady(cfg.Store)
}

// handlers holds what every handler needs.
type handlers struct {
	store *store.Store
	cfg   Config
}

// accessLog writes one debug line per request.
func accessLog(logger *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !logger.Enabled(c.Request().Context(), slog.LevelDebug) {
				return next(c)
			}
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			logger.Debug("request", "method", c.Request().Method, "path", c.Request().URL.RequestURI(),
				"status", c.Response().Status, "duration", time.Since(start), "request_id", c.Response().Header().Get(headerRequestID),
				"principal", principal(c))
			return nil
		}
	}
}

// recoverPanics turns a handler panic into an error for the error handler, which answers 500
// and logs it, instead of a dropped connection.
func recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				err = fmt.Errorf("panic serving %s: %v", c.Request().URL.Path, r)
			}
		}()
		return next(c)
	}
}
