package filelog

import (
	"log/slog"
	"os"

	"github.com/accord-registry/accord/store"
)

// defaultCompactMinRecords is the record count below which Open never compacts: rewriting a
// small log saves too little to be worth delaying startup.
const defaultCompactMinRecords = 10_000

// Config configures [Open]. The zero value of every field selects its default.
type Config struct {
	// Logger receives lifecycle events: tail repairs (Warn) and compactions (Info). Nil
	// discards them.
	Logger *slog.Logger
	// NoSync skips every fsync, so [Log.Sync] returns without making anything durable. It is
	// for tests and benchmarks only: a machine crash can then lose acknowledged records.
	NoSync bool
	// CompactMinRecords is how many records the log must hold before Open compacts it
	// automatically (it also needs at least half of them to be dead). Zero means 10,000; a
	// negative value turns automatic compaction off.
	CompactMinRecords int
	// Mark, when set, returns the number a record claims from its owner's sequence (for the
	// registry: the schema id of a SCHEMA record, 0 for others). The log then keeps an id
	// floor (see [Log.IDFloor]) above every mark in bytes it cuts as a torn tail or that
	// compaction drops. A margin for lost bytes counts one number per frame they could have
	// held, which is sound when each record's mark is at most one above the marks before it,
	// as for ids allocated as max+1.
	Mark func(store.Record) int64

	// syncHook, when set, runs at the start of each flusher round, before it looks at the
	// log. Tests use it to hold a round back and observe group commit deterministically.
	syncHook func()
	// compactHook, when set, runs in Compact between copying the snapshot and taking the
	// lock to copy the tail. Tests use it to append during a compaction.
	compactHook func()
	// writeAt, when set, replaces the file's WriteAt for appends. Tests use it to inject a
	// full disk, partial writes included.
	writeAt func(f *os.File, b []byte, off int64) (int, error)
	// fsync, when set, replaces the fsync of log files (unless NoSync). Tests use it to
	// inject a failed fsync.
	fsync func(f *os.File) error
}

// withDefaults returns cfg with zero fields replaced by their defaults.
func (cfg Config) withDefaults() Config {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.CompactMinRecords == 0 {
		cfg.CompactMinRecords = defaultCompactMinRecords
	}
	return cfg
}
