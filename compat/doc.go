// Package compat parses schemas and decides schema compatibility the way
// Confluent Schema Registry does, down to the stored canonical text and the
// verbose message list. It is a leaf package: store calls Parse when a schema
// is registered or read back, and Check before registering a new version.
//
// Each schema format lives in its own package, which knows nothing of compat:
// compat/avro (Apache Avro Java's Schema.Parser and SchemaCompatibility),
// compat/jsonschema (Confluent's JSON Schema diff) and compat/protobuf
// (Confluent's Protobuf diff). Their package documentation says what each
// reproduces and where it knowingly differs. formats.go is the one place that
// dispatches to them; compat/jackson is the JSON layer Avro and JSON Schema
// share, compat/budget the step budget all three charge.
//
// # Levels
//
// Every level is built from one question, "can a consumer using schema R
// read data written with schema W":
//
//   - NONE: nothing is checked.
//   - BACKWARD: the new schema reads the latest version (new is the reader).
//   - FORWARD: the latest version reads the new schema (new is the writer).
//   - FULL: both; the forward direction is checked, and listed, first.
//   - *_TRANSITIVE: the same against every live version, newest first,
//     stopping at the first that fails; only its messages are returned.
//
// # Messages
//
// Messages follow Confluent's SchemaValidatorBuilder: the per-type
// differences with their %s placeholders filled with "new"/"old", then for a
// failing backward (or pure forward) check {oldSchemaVersion: N} and
// {oldSchema: '...'} (cut at 10240 UTF-16 units), and finally
// {validateFields: '...', compatibility: '...'}. A previous version of
// another schema type gives "Incompatible because of different schema type".
// The formats write their differences as templates; compat fills them as
// Java's String.format would. String.format placeholders other than %s, %%
// and %n in a message (possible only in an exception message quoting a doc)
// are left as written; Java would fail the request.
//
// # Limits
//
// Confluent runs a check until it ends, however long that takes. Check stops
// with the context's error when the context ends (the request's deadline
// passes or its client goes away), and with a *LimitError when one comparison
// of the new schema with one earlier version needs more than
// CheckOptions.MaxSteps steps (DefaultMaxSteps: 1,000,000; a step is a pair of
// sub-schemas compared or a change produced) or nests sub-schema comparisons
// more than 10,000 deep, deeper than Java's stack would allow. The largest
// comparison in the conformance corpora takes 20,001 steps, the Protobuf
// fan-out test (a type reached along 2^40 paths) 600,000. Schemas that reach
// the limits are crafted: JSON Schema combinations with $ref or not nested
// deep (Confluent compares every member pair, so the work grows with the
// square of the leaves), or webs of mutually recursive Avro records (nested
// 230,000 deep for 300 records; Avro Java's checker recurses too, and a
// default Java thread stack would overflow long before that depth). The
// registry answers a *LimitError with 42201 ("Invalid schema: the schemas are
// too complex to compare: ...").
package compat
