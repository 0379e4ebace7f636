// Package serde reads and writes the bytes that tie a Kafka record to the schema it was
// written with, in the formats Confluent's serializers use, so that records produced by Go
// programs are read by Confluent's Java, Python and Go deserializers and the other way round.
//
// # Wire format
//
// The classic format prefixes the payload with a magic byte and a numeric schema id, the id
// the registry returned on registration:
//
//	┌──────────────┬─────────────────────────┬───────────────────────────┬──────────────┐
//	│ 0x00 <1b>    │ schema id <4b, BE int32>│ [Protobuf] indexes <var>  │ payload      │
//	└──────────────┴─────────────────────────┴───────────────────────────┴──────────────┘
//
// Confluent Platform 8.0 added schema GUIDs (the registry's "guid" field). A GUID travels
// either as a prefix, magic 0x01 and the 16 GUID bytes most-significant first:
//
//	┌──────────────┬─────────────────────────┬───────────────────────────┬──────────────┐
//	│ 0x01 <1b>    │ GUID <16b>              │ [Protobuf] indexes <var>  │ payload      │
//	└──────────────┴─────────────────────────┴───────────────────────────┴──────────────┘
//
// or, with the payload left bare, in a record header: __key_schema_id for a key,
// __value_schema_id for a value ([KeyHeader], [ValueHeader]), whose value is the same magic
// byte, GUID and Protobuf indexes ([HeaderValue]). Readers look at the header first and fall
// back to the prefix, accepting both magic bytes there ([Decode]); any other first byte is an
// error that says what the byte looks like (a '{' is most likely JSON written without a
// registry).
//
// A Protobuf schema is a file that may define many messages, so Protobuf records also say
// which message they hold: the path of indexes from the file's top-level message list down
// through nested types, as a count and then each index, all zig-zag varints. The path [0], the
// first message, is shortened to the single byte 0x00 ([AppendIndexes], [DecodeIndexes]).
// Avro and JSON Schema records carry no indexes.
//
// # Serializers
//
// The format packages, serde/avro, serde/protobuf and serde/jsonschema, turn Go values into
// such records and back, with generic types: avro.NewSerializer[Order] writes Orders and
// nothing else. They share the pieces in this package:
//
//   - [Client] puts bounded, single-flight caches in front of franz-go's registry client
//     (github.com/twmb/franz-go/pkg/sr), so that the registry is asked once per schema and
//     not once per record, and records with known ids still decode while it is down.
//   - [Config] speaks Confluent's serializer vocabulary: subject name strategies
//     ([TopicName], [RecordName], [TopicRecordName] or your own), auto-registration or an
//     explicit id or the latest version (with metadata), normalization, key or value, and
//     where the id goes ([IDFormat]).
//   - [Writer] decides once per topic which registered schema a serializer writes with and
//     frames each payload with its id; [Reader] finds a record's id and the writer's schema.
//     After the first record of a topic, serializing is a lock-free lookup, the prefix
//     and the codec, and deserializing is the prefix and the codec.
//
// # Data-contract rules
//
// A registered schema may carry a rule set (conditions, transforms, field encryption,
// migrations) and metadata. The client decodes them completely into package serde/rules'
// types ([Client.SchemaInfo], [Registered].Info) from the answers it caches anyway, so that
// knowing a schema's rules costs no request. Rules run only with a runner ([Rules]; the
// engine is in serde/rules) and, as in Confluent's serializers, only on a schema the registry
// chose ([UseSchemaID], [UseLatest], [UseLatestWithMetadata]): on write the domain rules on
// the value, then the encoding rules on the encoded bytes, then the framing; on read the
// writer's encoding rules on the bytes, then decoding, then the domain rules of the writer
// (or of the reader's version) on the value. A deserializer that reads as a version of its
// own migrates a record written with another major version before those domain rules, along
// the migration rules of the versions between ([Reader.Migration], [Reader.Migrate]). Each format package walks its own values field
// by field for field-level rules, choosing fields with a [FieldSelector]. Deserializers that
// run rules need the record's topic ([WithTopic]). A serializer without a runner, or a schema
// without rules, pays one predictable branch per record.
//
// Package serde/sertest runs a real registry in the test process, so that code using these
// packages is tested without a server.
//
// # Guarantees
//
// Decoding never panics and never trusts a length: short input, unknown magic bytes, negative
// or oversized index counts (more than 128, far deeper than any real nesting) and malformed
// varints are reported as [*WireError]. Whatever the decoders accept re-encodes to the same
// bytes (one exception, the long form of [0], is described at [DecodeIndexes]). The append
// functions and the prefix decoder do not allocate, because they run once per record; a
// Protobuf index path is one small slice the caller owns.
//
// # Dependencies
//
// serde imports the standard library, franz-go's registry client and its own serde/rules,
// nothing else. It is a
// library for other people's producers and consumers, which must not inherit the registry
// server's dependencies (its HTTP framework, store and compatibility checker), nor a
// particular Kafka client: [Header] is serde's own type, so the same code serves franz-go,
// confluent-kafka-go and sarama users. A test in the repository's test package fails the
// build if that changes.
package serde
