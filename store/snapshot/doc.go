// Package snapshot keeps a local, crash-safe copy of the compacted `_schemas` topic, so an
// instance that reads the topic from Kafka can restart by loading the snapshot and reading only
// the records written after it.
//
// # Why it exists
//
// The registry is the result of applying every record of `_schemas` in offset order. Kafka's
// compaction bounds the topic by the number of live keys, but a restarting instance still has
// to fetch and apply all of them before it may answer, and for a large registry that is most
// of its startup time. A snapshot is that same record set stored next to the instance, with
// the offset it covers: apply it, then read the topic from [Meta].Offset + 1.
//
// # Why it is correct, and safe to discard
//
// A snapshot holds exactly what Kafka's log compaction could have left of the topic up to its
// offset: the last record for each key (keys compared byte for byte), with its original offset
// and timestamp. The store must already reach the right state from a compacted topic, so it
// reaches the same state from a snapshot followed by the tail. [Compactor] builds the set as
// records are consumed. It keeps tombstones, because the store may treat two differently
// spelled keys as one logical key (`{"keytype":"CONFIG","subject":null,"magic":0}` and
// `{"keytype":"CONFIG","magic":0}`), and only the tombstone of one spelling hides an older
// record written with the other.
//
// The reader adds only the records its store accepted. A record the store rejects (text that
// is not a schema, a new text for an existing id: anyone able to produce to the topic can
// write one) changed nothing, so the state is what the accepted records alone give, and the
// snapshot keeps the key's earlier accepted record in its place. That is what lets a restart
// trust the snapshot's records and apply them without parsing them again: the instance
// parsed each of them when it first read it from the topic.
//
// The topic remains the only source of truth; the snapshot is a cache derived from it, and
// throwing it away costs one full replay and nothing else. A reader therefore discards the
// snapshot and reads the topic from its start whenever it cannot be sure the snapshot is a
// prefix of the topic it is about to read:
//
//   - [Read] fails: the file is missing, truncated, corrupt, or of another format version;
//   - the [Meta] ClusterID, Topic or TopicID differ from the topic's (another cluster, or a
//     topic deleted and created again);
//   - Meta.Offset is at or past the topic's high watermark (the topic lost records);
//   - Meta.Offset + 1 is below the topic's log start offset (the tail was deleted);
//   - Meta.TrustedText differs from how the instance checks schema texts: records only
//     trusted must never be taken, unparsed, by an instance that parses.
//
// A rejected record is left out, but its schema id is not forgotten: Meta.IDFloor keeps the
// highest, because a reader that checks less (Confluent's) serves that record, and the id
// must never be allocated to another schema.
//
// # Writing
//
// [Write] writes the whole snapshot to a temporary file in the same directory, fsyncs it,
// renames it over the old one and fsyncs the directory, so the path holds either the old
// snapshot or the new one, whole, whatever the moment of a crash. A temporary file left by a
// crash is never read, and the next Write removes it. Calls of Write for the same path must
// not overlap: the instance's single consumer owns its snapshot.
//
// # Format
//
// A snapshot file is, in order:
//
//	┌────────────┬─────────────┬──────────────────┬────────────┬──────────────────┬─────────┬──────────────┐
//	│ magic <4b> │ version <1b>│ meta length <uv> │ meta JSON  │ record count <uv>│ records │ CRC-32C <4b> │
//	└────────────┴─────────────┴──────────────────┴────────────┴──────────────────┴─────────┴──────────────┘
//
//	record:
//	┌─────────────┬────────────────┬─────────────────┬───────────┬──────────────────────┬─────────┐
//	│ offset <uv> │ timestamp <v>  │ key length <uv> │ key bytes │ value length + 1 <uv>│ value   │
//	└─────────────┴────────────────┴─────────────────┴───────────┴──────────────────────┴─────────┘
//
// The fields:
//
//   - magic is "ACSN" and version is 2. Version 1 had the same layout but kept records
//     the store had rejected; a reader discards it, and the next Write replaces it.
//   - <uv> is an unsigned varint and <v> a zig-zag signed varint ([encoding/binary]), always in
//     their shortest form.
//   - meta JSON is the [Meta] as json.Marshal writes
//     {"cluster_id":…,"topic":…,"topic_id":…,"offset":…}, byte for byte. Offset is at least -1,
//     which means the snapshot covers no record.
//   - offset is non-negative, strictly increases from record to record, and is at most
//     Meta.Offset.
//   - timestamp is Unix milliseconds; the zero [time.Time] is stored as its Unix milliseconds
//     and read back as the zero time.
//   - value length + 1 is 0 for a tombstone (a nil value) and 1 for an empty value.
//   - CRC-32C (Castagnoli) covers every byte before it and is big-endian.
//
// The encoding is canonical: a file [Read] accepts is written back byte for byte by [Write].
// Every length and count is checked against the bytes that remain before anything is
// allocated, so a damaged file cannot make a reader allocate more than the file itself plus
// one 80-byte [store.Record] per 4 bytes of it. The records [Read] returns share one buffer
// holding the file.
package snapshot
