package exporter

import (
	"slices"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/accord-registry/accord/store"
)

// Metrics is what the exporters tell Prometheus. The exporter label takes only the names
// of defined exporters, whose number the API bounds, and Forget removes a deleted one's
// series. Every method does nothing on a nil *Metrics.
type Metrics struct {
	state       *prometheus.GaugeVec
	lagRecords  *prometheus.GaugeVec
	lagSeconds  *prometheus.GaugeVec
	copied      *prometheus.CounterVec
	errorsTotal *prometheus.CounterVec
}

// NewMetrics makes the exporters' metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	byExporter := []string{"exporter"}
	m := &Metrics{
		state: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "accord_exporter_state", Help: "State of an exporter: 1 for its current state (STARTING, RUNNING, PAUSED or ERROR), 0 for the others.",
		}, []string{"exporter", "state"}),
		lagRecords: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "accord_exporter_lag_records", Help: "Records of the source's log not yet copied by an exporter.",
		}, byExporter),
		lagSeconds: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "accord_exporter_lag_seconds", Help: "Age of the oldest change of the source that an exporter has not copied yet (0 when it has caught up).",
		}, byExporter),
		copied: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "accord_exporter_records_copied_total", Help: "Writes an exporter made to its destination (versions, deletes, configs, modes, keys).",
		}, byExporter),
		errorsTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "accord_exporter_errors_total", Help: "Errors of an exporter: refusals of the destination and failures to reach it.",
		}, byExporter),
	}
	reg.MustRegister(m.state, m.lagRecords, m.lagSeconds, m.copied, m.errorsTotal)
	return m
}

// SetState records the exporter's current state; a value other than the four states is
// ignored. An exporter has a series for each state, 1 for its current one, so that a
// dashboard counts exporters per state with sum by (state).
func (m *Metrics) SetState(name, state string) {
	states := []string{store.ExporterStarting, store.ExporterRunning, store.ExporterPaused, store.ExporterError}
	if m == nil || !slices.Contains(states, state) {
		return
	}
	for _, s := range states {
		value := 0.0
		if s == state {
			value = 1
		}
		m.state.WithLabelValues(name, s).Set(value)
	}
}

// Copied counts n writes made to the destination.
func (m *Metrics) Copied(name string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.copied.WithLabelValues(name).Add(float64(n))
}

// Failed counts one error.
func (m *Metrics) Failed(name string) {
	if m == nil {
		return
	}
	m.errorsTotal.WithLabelValues(name).Inc()
}

// SetLag records how far the exporter is behind the source: in records of its log, and
// the age in seconds of the oldest change not copied.
func (m *Metrics) SetLag(name string, records int64, seconds float64) {
	if m == nil {
		return
	}
	m.lagRecords.WithLabelValues(name).Set(float64(records))
	m.lagSeconds.WithLabelValues(name).Set(seconds)
}

// Forget removes the exporter's series, once it is deleted (or no longer run here).
func (m *Metrics) Forget(name string) {
	if m == nil {
		return
	}
	labels := prometheus.Labels{"exporter": name}
	m.state.DeletePartialMatch(labels)
	m.lagRecords.Delete(labels)
	m.lagSeconds.Delete(labels)
	m.copied.Delete(labels)
	m.errorsTotal.Delete(labels)
}
