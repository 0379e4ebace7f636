// Package exporter is Schema Linking: exporters that copy subjects of this registry into
// another one, continuously, with their ids, so that the other registry can take over at any
// moment (Confluent Platform's /exporters, an enterprise feature there).
//
// The definitions and states live in a store of their own (the `_exporter_configs` and
// `_exporter_states` topics on Kafka, a log under the data directory otherwise), reached
// through a [Catalog]. The API changes them through a [Manager]; the leader runs every
// exporter that is not paused. An exporter copies by reconciling: it asks the source store
// which subjects changed since the offset it has copied, and makes the destination's
// answers for those subjects equal to the source's. Reconciling, rather than replaying log
// records, makes every step idempotent, so a restart or a new leader resumes from the
// persisted offset without skipping anything or changing what was already copied.
package exporter
