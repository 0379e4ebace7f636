package exporter_test

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/accord-registry/accord/api/exporter"
)

// TestMetrics checks each exporter metric's series, and that Forget removes an exporter's.
func TestMetrics(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	m := exporter.NewMetrics(reg)
	m.SetState("a", "STARTING")
	m.SetState("a", "RUNNING")
	m.SetState("b", "ERROR")
	m.Copied("a", 3)
	m.Copied("a", 2)
	m.Failed("b")
	m.SetLag("a", 12, 0.5)

	want := `
# HELP accord_exporter_errors_total Errors of an exporter: refusals of the destination and failures to reach it.
# TYPE accord_exporter_errors_total counter
accord_exporter_errors_total{exporter="b"} 1
# HELP accord_exporter_lag_records Records of the source's log not yet copied by an exporter.
# TYPE accord_exporter_lag_records gauge
accord_exporter_lag_records{exporter="a"} 12
# HELP accord_exporter_lag_seconds Age of the oldest change of the source that an exporter has not copied yet (0 when it has caught up).
# TYPE accord_exporter_lag_seconds gauge
accord_exporter_lag_seconds{exporter="a"} 0.5
# HELP accord_exporter_records_copied_total Writes an exporter made to its destination (versions, deletes, configs, modes, keys).
# TYPE accord_exporter_records_copied_total counter
accord_exporter_records_copied_total{exporter="a"} 5
# HELP accord_exporter_state State of an exporter: 1 for its current state (STARTING, RUNNING, PAUSED or ERROR), 0 for the others.
# TYPE accord_exporter_state gauge
accord_exporter_state{exporter="a",state="ERROR"} 0
accord_exporter_state{exporter="a",state="PAUSED"} 0
accord_exporter_state{exporter="a",state="RUNNING"} 1
accord_exporter_state{exporter="a",state="STARTING"} 0
accord_exporter_state{exporter="b",state="ERROR"} 1
accord_exporter_state{exporter="b",state="PAUSED"} 0
accord_exporter_state{exporter="b",state="RUNNING"} 0
accord_exporter_state{exporter="b",state="STARTING"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}

	m.Forget("a")
	if n := testutil.CollectAndCount(reg); n != 5 {
		t.Errorf("%d series after Forget, want 5 (b's)", n)
	}
	m.SetState("b", "unknown") // not one of the four: ignored, the series stay
	bOnly := `
# HELP accord_exporter_state State of an exporter: 1 for its current state (STARTING, RUNNING, PAUSED or ERROR), 0 for the others.
# TYPE accord_exporter_state gauge
accord_exporter_state{exporter="b",state="ERROR"} 1
accord_exporter_state{exporter="b",state="PAUSED"} 0
accord_exporter_state{exporter="b",state="RUNNING"} 0
accord_exporter_state{exporter="b",state="STARTING"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(bOnly), "accord_exporter_state"); err != nil {
		t.Error(err)
	}
}

// TestNilMetrics checks that a nil *Metrics does nothing.
func TestNilMetrics(t *testing.T) {
	var m *exporter.Metrics
	m.SetState("a", "RUNNING")
	m.Copied("a", 1)
	m.Failed("a")
	m.SetLag("a", 1, 1)
	m.Forget("a")
}
