// Package metrics is what Accord tells Prometheus (GET /metrics): requests by route,
// method and status class with their latency, registrations and compatibility checks by
// format, what the registry holds, how long the store takes to write, how far the Kafka
// reader is, and whether this instance leads; plus the Go runtime and process collectors.
//
// Every label has a bounded set of values: routes are the route table's templates
// ("/subjects/:subject/versions", or "unmatched"), never a requested path; methods are HTTP's
// nine standard ones or "other"; subjects never appear. So a client cannot grow the number
// of series.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/accord-registry/accord/store"
)

// Sources are where the metrics that are read at scrape time come from. Nil fields are left
// out of the scrape.
type Sources struct {
	// Stats counts what the registry holds.
	Stats func() store.Stats
	// LogEnd is the last committed offset of the Kafka log (-1 when empty), for the reader's
	// lag; the embedded store has no lag.
	LogEnd func(ctx context.Context) (int64, error)
	// Leader reports whether this instance is the leader.
	Leader func() bool
}

// Metrics is one registry of Accord's metrics; each server has its own.
type Metrics struct {
	registry      *prometheus.Registry
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	registrations *prometheus.CounterVec
	checks        *prometheus.CounterVec
	storeWrites   *prometheus.HistogramVec
	routes        routeSeries
}

// Registerer is the registry served at /metrics, for the metrics of the parts of the server
// that keep their own (the exporters').
func (m *Metrics) Registerer() prometheus.Registerer { return m.registry }

// New makes the metrics and registers them, with the Go runtime and process collectors.
// The registry's state joins them with Watch, once the store is open.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "accord_http_requests_total", Help: "HTTP requests answered, by route template, method and status class.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "accord_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route template and method.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method"}),
		registrations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "accord_registrations_total", Help: "Schema registrations, by format and outcome (ok, incompatible, invalid, refused, error).",
		}, []string{"format", "outcome"}),
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "accord_compatibility_checks_total", Help: "Compatibility checks asked of /compatibility, by format and result (compatible, incompatible, invalid).",
		}, []string{"format", "result"}),
		storeWrites: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "accord_store_write_duration_seconds", Help: "Time the store's log takes to write, by operation: append and sync (embedded), commit (Kafka).",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 5},
		}, []string{"op"}),
	}
	m.registry.MustRegister(m.requests, m.duration, m.registrations, m.checks, m.storeWrites,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Watch adds the metrics read from the registry's state at scrape time. Call it once.
func (m *Metrics) Watch(src Sources) {
	m.registry.MustRegister(newStateCollector(src))
}

// Handler serves the metrics in Prometheus's text format, or in OpenMetrics to a scraper
// whose Accept header asks for it (Prometheus does): only OpenMetrics carries exemplars and
// the counters' and histograms' creation times (the _created series), which let a scraper
// tell a restart from a counter that never moved.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{
		EnableOpenMetrics:                   true,
		EnableOpenMetricsTextCreatedSamples: true,
	})
}

// Middleware counts and times every request by its route template.
func (m *Metrics) Middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err) // answer now, so that the status is known
		}
		route := c.Path() // "" when no route matched
		if route == "" {
			route = "unmatched"
		}
		s := m.routes.get(m, route, methodLabel(c.Request().Method))
		s.count(c.Response().Status)
		s.duration.Observe(time.Since(start).Seconds())
		return nil
	}
}

// methodLabel is the request's method when it is one of HTTP's usual ones, else "other":
// a method is any token the client likes (up to the header size limit), and a label per
// distinct token would let an anonymous client grow the series without bound.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodTrace, http.MethodConnect:
		return method
	}
	return "other"
}

// statusClasses are the values of the code label: "1xx" to "5xx", and "other" last.
var statusClasses = [...]string{"1xx", "2xx", "3xx", "4xx", "5xx", "other"}

// statusClass is the index in statusClasses of status's class.
func statusClass(status int) int {
	if status < 100 || status > 599 {
		return len(statusClasses) - 1
	}
	return status/100 - 1
}

// Registration counts a registration of a schema of the format (AVRO, JSON, PROTOBUF).
func (m *Metrics) Registration(format, outcome string) {
	m.registrations.WithLabelValues(format, outcome).Inc()
}

// Check counts a compatibility check.
func (m *Metrics) Check(format, result string) {
	m.checks.WithLabelValues(format, result).Inc()
}

// storeWrite times one write operation of the store's log.
func (m *Metrics) storeWrite(op string, start time.Time) {
	m.storeWrites.WithLabelValues(op).Observe(time.Since(start).Seconds())
}
