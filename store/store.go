package store

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accord-registry/accord/compat"
)

// Config configures a [Store]. The zero value of every field but Log means its default.
type Config struct {
	// Log is where the embedded store keeps its records. Exactly one of Log and Shared is set.
	Log Log
	// Shared is the `_schemas` topic when several instances serve one registry.
	Shared SharedLog
	// WriteTimeout bounds how long a write on a shared log waits for the log and for its own
	// record to come back (default 10s); past it the write fails with 50002.
	WriteTimeout time.Duration
	// GroupLinger bounds how long a group on a shared log waits, when the previous group has
	// just been answered, for the writers it answered to queue their next writes (default
	// 2ms; linger.go). Negative: never wait.
	GroupLinger time.Duration
	// TrustSchemaText applies the SCHEMA records of the shared log without parsing their text,
	// as Confluent's readers do: their type and references are still checked, but text that
	// does not parse is kept and served, and fails only where a request needs it parsed
	// (42201 naming the stored version). Parsing costs 20-160 µs of CPU per schema, which
	// makes the startup of a large topic without a snapshot take minutes. Every instance on a
	// topic must use the same setting, or they may disagree on which records to ignore.
	TrustSchemaText bool
	// Logger receives lifecycle events; nil discards them.
	Logger *slog.Logger
	// DefaultLevel is the server's compatibility level when no config says otherwise (BACKWARD).
	DefaultLevel compat.Level
	// ModeImmutable refuses every mode change, like Confluent's mode.mutability=false.
	ModeImmutable bool
	// IncompatibleCode is the error_code of an incompatible registration: 409 (the default, what
	// franz-go and older clients know) or 40901 (Confluent 8.0.4 and later).
	IncompatibleCode Code
	// LegacyProtobufOneof checks Protobuf oneofs with the rules of Confluent releases before
	// the 2026 change (DGS-24604: 7.5.16, 7.6.14, 7.7.12, 7.8.11, 7.9.10, 8.0.8) instead of the
	// current ones.
	LegacyProtobufOneof bool
	// Now returns the current time; tests may pin it. Defaults to time.Now.
	Now func() time.Time
	// IDFloor is the embedded log's id floor (filelog's Log.IDFloor): ids allocated as
	// max+1 start above it in every context, because ids up to it may have been handed out
	// in records that were since lost to damage or dropped by compaction. On Kafka it is
	// kafkalog's Log.IDFloor: the ids of records ignored before the snapshot, which
	// readers that check less (Confluent's) serve.
	IDFloor int
	// Writable, when set, reports why the log cannot take writes now (filelog's
	// Log.Writable); [Store.Writable] returns it for the readiness check.
	Writable func() error

	// KMS wraps and unwraps the DEKs of shared KEKs, for a store that serves the DEK
	// Registry; nil answers every shared-KEK operation 50070.
	KMS KMS
	// MaxKeys bounds the KEKs, and the DEKs, of the DEK Registry (Confluent's
	// dek.registry.max.keys, default [DefaultMaxKeys]).
	MaxKeys int
}

// Store is the schema registry: its state and every rule that changes it.
//
// Concurrency: one writer at a time holds wmu for the whole check-then-append sequence, so a
// compatibility verdict and the id it allocates are never invalidated by a concurrent write.
// Readers take mu for reading; the writer takes mu for writing only while it applies records.
// Lock order: wmu before mu. A write is acknowledged only after the log made it durable; a
// read waits for the durability of whatever state it looked at, so nothing a client sees can
// vanish in a crash.
type Store struct {
	log    Log       // the embedded store's log, or nil
	shared SharedLog // the shared log, or nil
	logger *slog.Logger
	cfg    Config

	follow *follower // applies the shared log's records; nil for the embedded store

	wmu     sync.Mutex    // serialises writers on the embedded log
	writing chan struct{} // serialises groups of writes on a shared log; a channel, so waiting can time out
	groups  groupQueue    // the writes on a shared log waiting for a group
	last    lastGroup     // the group answered last; only the holder of writing uses it
	amu     sync.Mutex    // serialises association writes across their checks, registrations and records

	mu       sync.RWMutex // guards the following fields
	st       *state
	advanced chan struct{} // closed and replaced whenever records are applied
	// readBack holds, while a group on a shared log waits for its records to come back, what
	// the reader did with each offset it delivered since the group was decided; nil otherwise.
	readBack map[int64]readOutcome

	ready  atomic.Bool
	closed atomic.Bool
}

// Open replays the log into memory and returns a ready store. It appends nothing: the
// embedded log knows its end (Confluent's NOOP marker finds the end of a shared topic), and a
// start that fails later, on a busy port or a full disk, must leave the log as it was.
//
// With a Shared log, Open returns at once: a background reader applies the log, and the store
// reports Ready once it has caught up with the end of the log as of startup.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if (cfg.Log == nil) == (cfg.Shared == nil) {
		return nil, errors.New("store: set exactly one of Config.Log and Config.Shared")
	}
	s := &Store{log: cfg.Log, shared: cfg.Shared, logger: cfg.Logger, cfg: cfg, st: newState(), advanced: make(chan struct{})}
	s.st.legacyProtobufOneof = cfg.LegacyProtobufOneof
	s.st.checkSchemas = cfg.Shared != nil
	s.st.trustText = cfg.TrustSchemaText
	s.applyDefaults()
	if s.shared != nil {
		s.startFollowing()
		return s, nil
	}
	if err := s.replay(); err != nil {
		return nil, err
	}
	s.ready.Store(true)
	return s, nil
}

func (s *Store) applyDefaults() {
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	s.logger = s.logger.With("component", "store")
	if s.cfg.DefaultLevel == 0 {
		s.cfg.DefaultLevel = compat.LevelBackward
	}
	if s.cfg.IncompatibleCode == 0 {
		s.cfg.IncompatibleCode = CodeIncompatibleLegacy
	}
	if s.cfg.Now == nil {
		s.cfg.Now = time.Now
	}
	if s.cfg.MaxKeys <= 0 {
		s.cfg.MaxKeys = DefaultMaxKeys
	}
	if s.cfg.WriteTimeout <= 0 {
		s.cfg.WriteTimeout = 10 * time.Second
	}
	if s.cfg.GroupLinger == 0 {
		s.cfg.GroupLinger = defaultGroupLinger
	}
}

// Ready reports whether the store has caught up with its log and serves requests.
func (s *Store) Ready() bool { return s.ready.Load() && !s.closed.Load() }

// Offset returns the offset of the last record applied.
func (s *Store) Offset() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st.offset
}

// Close marks the store closed and stops reading a shared log. It does not close the log,
// which the caller owns.
func (s *Store) Close() {
	s.closed.Store(true)
	if s.follow != nil {
		s.follow.stop()
	}
}

// write appends recs, applies them to the state and waits until they are durable. The caller
// holds wmu when the records depend on a check it made, which keeps check-then-append atomic.
func (s *Store) write(ctx context.Context, recs []Record) (int64, error) {
	last, err := s.appendAndApply(recs)
	if err != nil {
		return 0, err
	}
	return last, s.sync(ctx, last)
}

// appendAndApply appends recs and applies them without waiting for durability, returning the
// offset of the last one. Writers holding wmu use it so that the fsync happens after wmu is
// released and concurrent registrations share one flush.
func (s *Store) appendAndApply(recs []Record) (int64, error) {
	now := s.cfg.Now()
	for i := range recs {
		if recs[i].Timestamp.IsZero() {
			recs[i].Timestamp = now
		}
	}
	first, err := s.log.Append(recs)
	if err != nil {
		return 0, errStore(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range recs {
		recs[i].Offset = first + int64(i)
		if err := s.st.apply(recs[i]); err != nil {
			s.logger.Error("applying own record", "offset", recs[i].Offset, "err", err)
		}
	}
	s.signalAdvanced()
	return first + int64(len(recs)) - 1, nil
}

func (s *Store) sync(ctx context.Context, through int64) error {
	if through < 0 || s.log == nil {
		return nil
	}
	if err := s.log.Sync(ctx, through); err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return Wrap(CodeOperationTimeout, err, "Operation timed out")
		}
		return errStore(err)
	}
	return nil
}

// read runs fn against the current state under the read lock, then waits until that state is
// durable before the caller may answer with it.
func (s *Store) read(ctx context.Context, fn func(st *state) error) error {
	s.mu.RLock()
	err := fn(s.st)
	seen := s.st.offset
	s.mu.RUnlock()
	if err != nil {
		return err
	}
	return s.sync(ctx, seen)
}

// writeLocked runs fn holding the writer lock. fn reads the state directly (no other writer
// can change it) and returns the records to append; write-then-sync happens after the writer
// lock is released.
func (s *Store) writeLocked(ctx context.Context, fn func(st *state) ([]Record, error)) error {
	if s.shared != nil {
		return s.writeShared(ctx, exclusiveWrite, func(st *state, _ *pendingGroup) ([]Record, error) { return fn(st) })
	}
	s.wmu.Lock()
	recs, err := fn(s.st)
	last := s.st.offset
	if err == nil && len(recs) > 0 {
		last, err = s.appendAndApply(recs)
	}
	s.wmu.Unlock()
	if err != nil {
		return err
	}
	return s.sync(ctx, last)
}

// writeGrouped is writeLocked for a write that may share a Kafka transaction with the
// other writes of its group (group.go), as fp allows; fn sees what the earlier writes of the
// group decided through its pendingGroup, nil on the embedded store.
func (s *Store) writeGrouped(ctx context.Context, fp footprint, fn func(st *state, g *pendingGroup) ([]Record, error)) error {
	if s.shared != nil {
		return s.writeShared(ctx, fp, fn)
	}
	return s.writeLocked(ctx, func(st *state) ([]Record, error) { return fn(st, nil) })
}

// CatchUpTo waits, at most the write timeout, until this instance has applied offset: the
// offset the leader had applied once a write forwarded to it was done, which saves asking the
// log for its end. The embedded store is always caught up.
func (s *Store) CatchUpTo(ctx context.Context, offset int64) error {
	if s.shared == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.WriteTimeout)
	defer cancel()
	return sharedError(s.waitApplied(ctx, offset))
}

// CatchUp waits until this instance has applied everything committed to the log when it was
// called, so a follower that forwarded a write to the leader answers only once it can read that
// write itself. The embedded store is always caught up.
func (s *Store) CatchUp(ctx context.Context) error {
	if s.shared == nil {
		return nil
	}
	return s.catchUpFor(ctx, s.cfg.WriteTimeout)
}
