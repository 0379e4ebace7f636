// Package filelog is the embedded, durable [store.Log]: the registry's record log kept in one
// append-only file, so a single Accord server needs no Kafka cluster.
//
// The registry's state is small (every schema ever registered fits in memory) and is rebuilt by
// replaying the log at startup, so the design favours a simple file that opens fast over an
// indexed database. Writers pay one fsync per group of concurrent writers, not one per record,
// which is what makes a durable register call cheap.
//
// # Files
//
// The data directory (created with mode 0o700) holds:
//
//	log       the header followed by frames, appended in offset order
//	lock      held with flock(LOCK_EX) while a [Log] is open, so a second process cannot open it
//	log.tmp   a log being written by compaction or creation; removed by Open if left by a crash
//
// A new log file and a compacted one are both written to log.tmp, fsynced, renamed over log
// and made durable by an fsync of the directory, so log always holds a complete header.
//
// # Header
//
//	┌──────────────┬───────────────┬────────────────┬───────────────────┬───────────────┐
//	│ magic <4b>   │ version <1b>  │ reserved <3b>  │ next offset <8b>  │ CRC-32C <4b>  │
//	└──────────────┴───────────────┴────────────────┴───────────────────┴───────────────┘
//
// The magic is "ACLG", the version is 1, the reserved bytes are zero, and the checksum
// (Castagnoli) covers the 16 bytes before it. All integers are big-endian. The next offset is a
// floor for [Log.End]: compaction may drop the last records of the log, and the header is how a
// reopened log still knows which offsets were handed out. A fresh log has 0 there. The header
// is written only by creation and compaction, never updated in place.
//
// # Frames
//
// Each record is one frame:
//
//	┌───────────────┬────────────────┬──────────────────────────┐
//	│ length <4b>   │ CRC-32C <4b>   │ payload <length bytes>   │
//	└───────────────┴────────────────┴──────────────────────────┘
//
//	payload:
//	┌──────────────┬─────────────────┬─────────────┬────────────────┬─────────────┬───────────┐
//	│ offset <8b>  │ timestamp <8b>  │ flags <1b>  │ key length <4b>│ key bytes   │ value     │
//	└──────────────┴─────────────────┴─────────────┴────────────────┴─────────────┴───────────┘
//
// The fields:
//
//   - length is the payload size, at least 21 and at most [MaxPayloadSize] (64 MiB), so a
//     corrupt length can never make a reader allocate more than that.
//   - CRC-32C (Castagnoli) covers the payload.
//   - offset is the record's non-negative log offset. Offsets strictly increase along the file;
//     compaction leaves gaps but never renumbers.
//   - timestamp is Unix milliseconds, signed.
//   - flags bit 0 marks a tombstone (a nil value); the other bits must be zero. A tombstone has
//     no value bytes; a record with an empty, non-nil value has flags 0 and no value bytes.
//   - the value is the rest of the payload: length - 21 - key length bytes.
//
// Encoding is canonical: every valid frame decodes to exactly one record and encodes back to
// the same bytes.
//
// # Recovery
//
// Open reads every frame. The first frame that is short, has a bad length, a bad checksum, a
// malformed payload or an offset not above its predecessor marks the end of the log: the file
// is truncated there (with a warning naming the byte position and the number of bytes
// dropped) and fsynced. Because each fsync covers everything written before it, a crash can
// only damage frames that no [Log.Sync] had acknowledged, and they all lie after the last
// acknowledged one.
//
// # Concurrency
//
// One mutex (Log.mu) guards the in-memory state: the current file, its size, the next offset,
// the durable offset and the sparse index. Append encodes a batch and writes it with one pwrite
// while holding it, so frames become visible to readers only when whole. ReadFrom snapshots the
// file and its size under the lock and reads without it, so callbacks may call Append.
// A flusher goroutine owned by the Log performs fsyncs without the lock: each round syncs
// everything written before it started, and every Sync waiting meanwhile shares the next round
// (group commit). Compact and Close first take Log.compactMu, then Log.mu: that is the lock
// order. Files are reference counted, so a compaction can replace the file while readers and
// the flusher still use the old one.
package filelog
