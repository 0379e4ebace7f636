package store

import (
	"context"
	"time"
)

// Record is one entry of the registry log: the exact key bytes and value bytes of a Confluent
// `_schemas` record, plus the position and time the log gave it.
type Record struct {
	// Offset is the record's position in the log, assigned by [Log.Append]. Offsets only grow;
	// compaction removes records but never renumbers the ones it keeps.
	Offset int64
	// Timestamp is when the record was appended (millisecond precision). Confluent reports it as
	// the `ts` of a schema.
	Timestamp time.Time
	// Key is the record key, compact JSON such as {"keytype":"NOOP","magic":0}.
	Key []byte
	// Value is the record value; nil is a tombstone that deletes the key.
	Value []byte
	// Checked marks a record whose schema this instance already found valid, so the state
	// does not parse it again: one replayed from the instance's own snapshot of a shared log
	// (which holds only records the state accepted), or one the store parsed just before
	// applying it. Logs never store the flag.
	Checked bool
}

// Log is the ordered sequence of records the registry state is derived from. The embedded store
// keeps it in a file; a Kafka deployment keeps it in the compacted `_schemas` topic. Both give
// the same guarantees, which is all the store relies on.
type Log interface {
	// Append writes recs at the end of the log, in order, assigning each its Offset (and its
	// Timestamp when zero), and returns the offset of the first. The records are readable at
	// once but not yet durable: call Sync before acknowledging them to anyone.
	Append(recs []Record) (first int64, err error)
	// Sync blocks until every record with an offset up to and including through is durable.
	// Concurrent callers share one flush, so many writers cost one fsync.
	Sync(ctx context.Context, through int64) error
	// ReadFrom calls fn for every record with an offset at or after from, in offset order, up
	// to the end of the log at the time of the call. It stops at the first error fn returns.
	ReadFrom(from int64, fn func(Record) error) error
	// End returns the offset the next appended record will get.
	End() int64
	// Close flushes and releases the log. Calls after Close return an error.
	Close() error
}
