package metrics

import (
	"context"
	"time"

	"github.com/accord-registry/accord/store"
)

// InstrumentLog times the embedded log's appends and syncs (the fsync a write waits for).
func (m *Metrics) InstrumentLog(l store.Log) store.Log { return &timedLog{Log: l, m: m} }

type timedLog struct {
	store.Log
	m *Metrics
}

func (l *timedLog) Append(recs []store.Record) (int64, error) {
	defer l.m.storeWrite("append", time.Now())
	return l.Log.Append(recs)
}

func (l *timedLog) Sync(ctx context.Context, through int64) error {
	defer l.m.storeWrite("sync", time.Now())
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
