// Package jsonschema serializes Go values as JSON in Confluent's wire format, and back, with
// a JSON Schema in the registry describing them: what Confluent's KafkaJsonSchemaSerializer
// and deserializer do, with types.
//
// Values are encoded with encoding/json (struct tags, json.Marshaler), so the body of a
// record is exactly what json.Marshal gives, behind the schema id. Unlike Avro and Protobuf,
// JSON can be written without its schema, so nothing checks by default that a value matches
// the schema it is registered under; [serde.Validate] turns the check on, as Confluent's
// json.fail.invalid.schema does: the serializer validates every value before writing it,
// and the deserializer validates every record against the schema it was written with.
// Validators are compiled once per schema (santhosh-tekuri/jsonschema, draft 7 when the
// schema has no $schema, as Confluent assumes), with the schema's references taken from
// the registry and nothing ever fetched from the network.
//
// The record name the [serde.RecordName] and [serde.TopicRecordName] strategies use is the
// schema's "title"; a schema without one cannot be used with them.
//
// A GenericDeserializer decodes records as encoding/json decodes into an `any`: objects
// as map[string]any and numbers as float64.
//
// With [serde.Rules], the rules of the schema a serializer writes with (chosen by id or as the
// latest version) run around the encoding, and a deserializer runs the writer's; field-level
// rules walk values by the schema (fields.go), selecting properties by their
// "confluent:tags" keyword.
//
// A deserializer that reads as a version of its own ([serde.UseLatest],
// [serde.UseLatestWithMetadata]) with [serde.Rules] migrates records written with another
// major version, as Confluent's do: the record (validated with the writer's schema, when
// asked) is decoded into a JSON tree ([DecodeJSONTree]), migrated by the rules of the
// versions between (JSONATA, usually), and encoded again ([EncodeJSONTree]) for the
// deserializer's type.
package jsonschema
