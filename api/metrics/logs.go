package metrics

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/accord-registry/accord/store"
)

// InstrumentLog times the embedded log's appends and syncs (the fsync a write waits for).
func (m *Metrics) InstrumentLog(l store.Log) store.Log {
	return &timedLog{Log: l, appends: m.storeWriteSeries("append"), syncs: m.storeWriteSeries("sync")}
}

type timedLog struct {
	store.Log
	appends, syncs *lazyObserver
}

func (l *timedLog) Append(recs []store.Record) (int64, error) {
	defer l.appends.since(time.Now())
	return l.Log.Append(recs)
}

func (l *timedLog) Sync(ctx context.Context, through int64) error {
	// Every read syncs through the offset it read, to answer only what is durable; most
	// find it durable already, and this is on their path too.
	defer l.syncs.since(time.Now())
	return l.Log.Sync(ctx, through)
}

// InstrumentShared times the Kafka log's commits (one transaction per write).
func (m *Metrics) InstrumentShared(l store.SharedLog) store.SharedLog {
	return &timedShared{SharedLog: l, m: m}
}

type timedShared struct {
	store.SharedLog
	m *Metrics
}

func (l *timedShared) Append(ctx context.Context, recs []store.Record) (int64, error) {
	defer l.m.storeWrite("commit", time.Now())
	return l.SharedLog.Append(ctx, recs)
}

// lazyObserver is one series of a histogram vector, made on its first observation (as
// WithLabelValues would, so that it appears in the scrape once it has a value) and kept, so
// that later observations skip hashing the label into the vector.
type lazyObserver struct {
	vec   *prometheus.HistogramVec
	label string
	made  atomic.Value // prometheus.Observer
}

func (m *Metrics) storeWriteSeries(op string) *lazyObserver {
	return &lazyObserver{vec: m.storeWrites, label: op}
}

// since observes the time from start to now.
func (o *lazyObserver) since(start time.Time) {
	obs, ok := o.made.Load().(prometheus.Observer)
	if !ok {
		obs = o.vec.WithLabelValues(o.label)
		o.made.Store(obs)
	}
	obs.Observe(time.Since(start).Seconds())
}
