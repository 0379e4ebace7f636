// Package kafkalog keeps the registry's log in the compacted, single-partition Kafka topic
// `_schemas`, in Confluent's exact record format, so several Accord instances can serve one
// registry and Accord can take over (and hand back) a topic that Confluent Schema Registry or
// Karapace wrote.
//
// Why it looks the way it does:
//
//   - Every instance reads the topic from the start (or from a local snapshot of it) with a
//     read-committed consumer and applies what it reads through the store's one state machine.
//     No instance applies its own writes directly: the topic's order is the only order.
//   - Only the elected leader writes, and it writes through a transactional producer whose
//     transactional id is derived from the group. A new leader's InitProducerID bumps the
//     producer epoch, which fences the previous leader's producer and aborts any transaction it
//     left open: a leader that was paused past its session and resumes cannot append. Confluent
//     and Karapace write without such fencing; a topic they share with Accord still reads the
//     same, because readers only see committed records.
//   - A new leader reads to the end of the topic (as committed after its fencing) before it
//     decides any write, so ids are never allocated from a stale view.
//   - "The end" for a reader is the last stable offset; transaction markers are delivered to
//     the store as markers (records without a key) so waiting for an offset that is a marker
//     terminates.
package kafkalog
