// Package avro serializes Go values as Avro in Confluent's wire format, and back, with the
// schema registry behind it: what Confluent's KafkaAvroSerializer and KafkaAvroDeserializer
// do, with types.
//
// A Serializer[T] writes one Go type, usually a struct whose fields carry `avro:"name"` tags
// (hamba/avro's mapping, which its avrogen tool generates together with the schema text), under
// one Avro schema. On the first record of a topic it registers the schema (or looks it up, or
// takes the latest version, as the [serde.Option]s say) and remembers the id; every later
// record is hamba/avro's encoding behind the id prefix, with no lock and no request.
//
// A Deserializer[T] reads records written with any schema the registry knows: it fetches the
// writer's schema by the record's id once, and when it differs from the reader's schema
// given to NewDeserializer, decodes through Avro's schema resolution (fields added with
// defaults, fields removed, promoted numbers), as a Java consumer with a specific reader
// schema does. The decoding plan for each writer id is built once. GenericDeserializer needs
// no reader schema: it decodes with the writer's, records as map[string]any.
//
// Schemas are parsed into a fresh schema cache each time, never into hamba/avro's global
// one, so two serializers (or two registries) with different versions of the same record name
// do not interfere. References (named types defined in other subjects) are declared with
// [serde.References] and fetched from the registry.
//
// Records are untrusted input. Decoding one never allocates more than its claims allow: a
// string or bytes value is at most 1 MiB and an array at most 2^20 items, beyond which the
// record is an error.
//
// With [serde.Rules], the rules of the schema a serializer writes with (chosen by id or as the
// latest version) run around the encoding, and a deserializer runs the writer's; field-level
// rules walk typed and generic values by the schema (fields.go), selecting fields by their
// "confluent:tags" property.
//
// A deserializer that reads as a version of its own ([serde.UseLatest],
// [serde.UseLatestWithMetadata]) with [serde.Rules] migrates records written with another
// major version, as Confluent's do: decoded with the writer's schema into a generic value,
// turned into a JSON tree ([ToJSONTree]), migrated by the rules of the versions between
// (JSONATA, usually), read as the reader version's schema ([FromJSONTree]) and decoded into
// the deserializer's type (resolved to its own schema, when it has one).
package avro
