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
//	idfloor   the id floor (below), once something was lost: "ACFL", 8 bytes, CRC-32C
//	log.before-repair-<time>[.report]   the original of a repaired log, and what was lost
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
// Open reads every frame, and meanwhile fsyncs the file: frames a crashed process wrote may
// still be only in the page cache, and Open returns only once they are durable: an error of
// that fsync fails Open, even when the fsync after a cut (below) succeeds. A frame that
// is short, has a bad length, a bad checksum, a malformed payload or an offset not above its
// predecessor is bad. Open then resynchronises: it looks at every later byte position for a
// whole valid frame (a plausible length, a matching CRC-32C, a well-formed payload and an
// offset in order, so that damage is not taken for a frame). It reads and checksums a
// candidate only when its length and the fixed fields of its payload fit, so that random
// bytes, which claim a plausible length every few dozen positions, are read about once.
//
//   - No valid frame follows: the bad bytes are a torn tail, the end of a write that no fsync
//     covered. The file is truncated there (with a warning naming the byte position and the
//     number of bytes dropped) and fsynced. Every fsync covers all the bytes before the frames
//     it made durable, so a crash can only damage frames that no [Log.Sync] acknowledged.
//   - Valid frames follow: the disk damaged acknowledged records. Open refuses the log with a
//     [*DamageError] naming the file, the position and the number of frames that follow, and
//     changes nothing. [Verify] reports such damage; [Repair] keeps a copy of the original,
//     then keeps every valid frame and drops only the damaged byte ranges. A power loss that
//     writes pages out of order could also leave valid (unacknowledged) frames after a hole;
//     Open refuses that too, the safe mistake, and Repair recovers it.
//
// A failed write (a full disk) is truncated back off at once, so the file never holds a
// partial frame followed by valid ones, and the log stays usable: [Log.Writable] reports the
// cause and probes for space (in a file of its own beside the log, which a probe never
// touches) until a write can succeed again. A failed fsync still fails the
// log until it is reopened: the kernel may have dropped the dirty pages, so a later
// successful fsync would prove nothing.
//
// # Id floor
//
// The registry allocates schema ids as max+1 over the records it replays, so a lost record
// holding the highest id would let that id be handed out again, for a different schema. With
// [Config.Mark] (the registry passes its schema id reader) the log keeps an id floor, which
// the registry allocates above:
//
//   - Repair raises it to the highest id among the surviving frames (or the old floor) plus
//     the most frames the damaged ranges could have held: no frame is shorter than 29 bytes,
//     and a range holds no more frames than there are missing offsets around it. Each lost
//     record allocated at most one id, at most one above those before it, so every id it may
//     have held is at or below the floor.
//   - Cutting a torn tail raises it the same way: a flipped bit in an acknowledged last frame
//     looks exactly like a torn write, and ids are cheap, so a crash may skip a few.
//   - Compaction raises it to the highest id among the frames it drops (a permanently deleted
//     schema's) when that is above every id it keeps.
//
// The floor lives in its own small file, written atomically (temporary file, fsync, rename,
// fsync of the directory) before the change that needs it, so a crash in between leaves a
// floor that is only too high. Once it exists, a flag in the log's header says so, and Open
// refuses the log without it (a data directory restored without its idfloor would otherwise
// hand out the lost ids again); a floor file that is not a 16-byte regular file is refused
// too. It only matters once something was lost; the floor is one
// number for all contexts, so a context's next id may then jump. Ids a client chose itself
// (IMPORT mode) are not bounded by the margin.
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
