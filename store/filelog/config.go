package filelog

import "log/slog"

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

	// syncHook, when set, runs at the start of each flusher round, before it looks at the
	// log. Tests use it to hold a round back and observe group commit deterministically.
	syncHook func()
	// compactHook, when set, runs in Compact between copying the snapshot and taking the
	// lock to copy the tail. Tests use it to append during a compaction.
	compactHook func()
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
