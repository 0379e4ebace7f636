// Package protobuf serializes Protobuf messages in Confluent's wire format, and back, with
// the schema registry behind it: what Confluent's KafkaProtobufSerializer and deserializer
// do, with types.
//
// A Serializer[T] writes generated messages of one type (or, as a DynamicSerializer, any
// message, including *dynamicpb.Message). The schema is the message's .proto file, taken
// from the descriptor compiled into the program: its FileDescriptorProto, base64-encoded,
// which is how Confluent's Python serializer registers Protobuf schemas and which
// Confluent's registry and Accord store as .proto text. The files it imports are registered
// first, each under the subject named by its path, and referenced by that name, as
// Confluent's serializers do; the well-known google/protobuf and google/type files and
// Confluent's own confluent/ files are not registered, since every registry has them.
// Each record carries the message's indexes, its path through the file's messages, so
// that a reader knows which message of the file it holds.
//
// All of this is computed once per message type and once per topic: the schema text, the
// references, the indexes and the id. Confluent's Go serializer once recomputed the schema
// for every record and was thousands of times slower than proto.Marshal; here a warm
// serializer costs proto.Marshal and a few bytes of prefix.
//
// A Deserializer[T] decodes into T, checking that the record's schema exists and is
// Protobuf (once per id). A DynamicDeserializer needs no generated code: it fetches the
// writer's schema and its references, compiles them (bufbuild/protocompile) once per id,
// picks the message by the record's indexes and decodes into a *dynamicpb.Message.
//
// With [serde.Rules], the rules of the schema a serializer writes with (chosen by id or as the
// latest version) run around the encoding, and a deserializer runs the writer's; field-level
// rules walk messages through protoreflect (fields.go), selecting fields by their
// (confluent.field_meta).tags option. A DynamicDeserializer compiles writer schemas that
// import confluent/meta.proto with a copy of that file's declarations.
//
// A deserializer that reads as a version of its own ([serde.UseLatest],
// [serde.UseLatestWithMetadata]) with [serde.Rules] migrates records written with another
// major version, as Confluent's Go client does: decoded with the writer's message into a
// dynamic message, turned into its protobuf JSON ([ToJSONTree]), migrated by the rules of
// the versions between (JSONATA, usually), and read from protobuf JSON ([FromJSONTree]) as
// the generated type, or, by a DynamicDeserializer, as the reader version's message of the
// same full name (else its first message).
package protobuf
