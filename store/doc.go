// Package store holds the registry's state and every rule that changes it, and persists them
// as a log of Confluent `_schemas` records.
//
// # The log is the truth
//
// Every change is one or more records with exactly the key bytes and value JSON Confluent
// Schema Registry writes to its compacted `_schemas` topic, and the registry is the pure result
// of applying the records in offset order ([state.apply]). The same bytes can therefore live in
// a local file (package filelog, the embedded default) or in the Kafka topic, behind the small
// [Log] interface, and a log written by Confluent can be read by Accord and the other way round.
//
// Keys are compact JSON with a fixed property order; compaction matches keys byte for byte, so
// encodeKey must produce Confluent's exact bytes:
//
//	SCHEMA          {"keytype":"SCHEMA","subject":"orders-value","version":3,"magic":1}
//	CONFIG / MODE   {"keytype":"CONFIG","subject":"orders-value","magic":0}   (global: no subject)
//	NOOP            {"keytype":"NOOP","magic":0}
//	DELETE_SUBJECT  {"keytype":"DELETE_SUBJECT","subject":"orders-value","magic":0}
//	CLEAR_SUBJECT   {"keytype":"CLEAR_SUBJECT","subject":"orders-value","magic":0}
//	CONTEXT         {"keytype":"CONTEXT","tenant":"default","context":".ctx","magic":0}
//
// Values: a SCHEMA value carries subject, version, id, schemaType, references, metadata,
// ruleSet, the canonical schema text and the soft-delete flag; CONFIG and MODE values carry the
// setting; DELETE_SUBJECT soft-deletes versions up to its version; CLEAR_SUBJECT drops the
// soft-deleted versions of a subject or context; a null value (tombstone) removes its key.
// Readers skip records they cannot decode, and key types they do not know, instead of stopping.
//
// Startup is a replay of the whole log, a million records for a large registry, so decoding
// is kept off reflection and off the lock: keys and SCHEMA values in the shapes registries
// write are read by internal/jsonsubset's scanner (recordfast.go), handing anything else
// to encoding/json, and worker goroutines decode SCHEMA records into the versions the state
// keeps (one allocation each) while one goroutine applies them in log order (replay.go for
// the embedded log, precheck.go for a shared one and its snapshot).
//
// # The DEK Registry
//
// The keys of client-side field encryption (Confluent's /dek-registry/v1) live in a second
// Store on a log of its own, as Confluent keeps them in the `_dek_registry_keys` topic: a
// separate file log, or that topic, with the same durability, fencing and readiness as the
// schemas. Its records are Confluent's exactly (see dekrecord.go): KEK and DEK keys with a
// `type` discriminator instead of `keytype`, values without raw key material, a tombstone
// for a permanent delete. A KMS (Config.KMS) wraps and unwraps the DEKs of shared KEKs.
//
// # One writer, durable acknowledgements
//
// A write holds the writer lock for the whole check-then-append sequence: the compatibility
// verdict, the id allocation and the version number are decided against a state no other
// writer can change, so ids are never duplicated and versions are contiguous. The writer
// appends its records, applies them to the state under the state lock, releases the writer
// lock, and then waits for the log to make them durable before answering; concurrent writers
// therefore share one fsync. Readers take the state lock for reading and then wait for the
// durability of the offset they looked at, so no answer ever shows data a crash could lose.
//
// Lock order: the writer lock (wmu) before the state lock (mu). Only apply, under mu, changes
// the state; code under wmu alone only reads it.
//
// On a shared log (the Kafka topic) the store applies only what it reads back: a reader
// goroutine applies every committed record under mu. Writes queue, and whoever holds the
// writing channel (a lock whose wait can time out) takes the head of the queue as a group,
// catches up with the log, decides the group's writes one by one under mu's read lock,
// commits all their records in one transaction and waits until the reader has applied them.
// A group holds only writes whose decisions cannot depend on one another (registrations into
// different subjects, sharing the context's id sequence through the group); every other
// write forms a group of its own. group.go explains why. Reads need no durability wait
// there: everything applied was already committed.
//
// # Contexts
//
// Subjects may be qualified with a context (`:.ctx:orders-value`). Each context has its own id
// sequence and its own content-hash → id map; unqualified subjects live in the default context
// ".". Config and mode resolve subject → context (or global) → `:.__GLOBAL:` → server default.
package store
