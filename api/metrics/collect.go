package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// scrapeTimeout bounds the Kafka request a scrape makes for the reader's lag.
const scrapeTimeout = 2 * time.Second

// stateCollector reads the registry's state at scrape time.
type stateCollector struct {
	src                                                                       Sources
	subjectsDesc, versionsDesc, schemasDesc, appliedDesc, lagDesc, leaderDesc *prometheus.Desc
}

func newStateCollector(src Sources) *stateCollector {
	return &stateCollector{
		src:          src,
		subjectsDesc: prometheus.NewDesc("accord_subjects", "Subjects with at least one live version.", nil, nil),
		versionsDesc: prometheus.NewDesc("accord_versions", "Schema versions, by state (live, deleted: soft-deleted).", []string{"state"}, nil),
		schemasDesc:  prometheus.NewDesc("accord_schemas", "Distinct schemas (ids, per context) of any version.", nil, nil),
		appliedDesc:  prometheus.NewDesc("accord_log_applied_offset", "Offset of the last log record this instance applied.", nil, nil),
		lagDesc:      prometheus.NewDesc("accord_log_lag_records", "Committed records of the Kafka log this instance has not applied yet.", nil, nil),
		leaderDesc:   prometheus.NewDesc("accord_leader", "1 when this instance is the leader, which writes, else 0.", nil, nil),
	}
}

func (s *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{s.subjectsDesc, s.versionsDesc, s.schemasDesc, s.appliedDesc, s.lagDesc, s.leaderDesc} {
		ch <- d
	}
}

func (s *stateCollector) Collect(ch chan<- prometheus.Metric) {
	if s.src.Stats != nil {
		st := s.src.Stats()
		ch <- prometheus.MustNewConstMetric(s.subjectsDesc, prometheus.GaugeValue, float64(st.Subjects))
		ch <- prometheus.MustNewConstMetric(s.versionsDesc, prometheus.GaugeValue, float64(st.Versions), "live")
		ch <- prometheus.MustNewConstMetric(s.versionsDesc, prometheus.GaugeValue, float64(st.DeletedVersions), "deleted")
		ch <- prometheus.MustNewConstMetric(s.schemasDesc, prometheus.GaugeValue, float64(st.Schemas))
		ch <- prometheus.MustNewConstMetric(s.appliedDesc, prometheus.GaugeValue, float64(st.Offset))
		if s.src.LogEnd != nil {
			ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
			end, err := s.src.LogEnd(ctx)
			cancel()
			if err == nil { // Kafka unreachable: no lag series rather than a wrong one
				ch <- prometheus.MustNewConstMetric(s.lagDesc, prometheus.GaugeValue, float64(max(end-st.Offset, 0)))
			}
		}
	}
	if s.src.Leader != nil {
		v := 0.0
		if s.src.Leader() {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(s.leaderDesc, prometheus.GaugeValue, v)
	}
}
