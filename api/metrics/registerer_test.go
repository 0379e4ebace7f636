package metrics

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestRegistererServesOthersMetrics: a metric registered through Registerer is served at
// /metrics with the server's own.
func TestRegistererServesOthersMetrics(t *testing.T) {
	m := New()
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "accord_test_gauge", Help: "A gauge of a test."})
	m.Registerer().MustRegister(g)
	g.Set(7)
	families, err := m.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range families {
		names = append(names, f.GetName())
		if f.GetName() == "accord_test_gauge" && f.GetMetric()[0].GetGauge().GetValue() == 7 {
			return
		}
	}
	t.Errorf("accord_test_gauge not gathered: %s", strings.Join(names, " "))
}
