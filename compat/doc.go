// Package compat parses schemas and decides schema compatibility the way
// Confluent Schema Registry does, down to the stored canonical text and the
// verbose message list. It is a leaf package: store calls Parse when a schema
// is registered or read back, and Check before registering a new version.
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
// Messages follow Confluent's SchemaValidatorBuilder: the per-type
// differences with their %s placeholders filled with "new"/"old", then for a
// failing backward (or pure forward) check {oldSchemaVersion: N} and
// {oldSchema: '...'} (cut at 10240 UTF-16 units), and finally
// {validateFields: '...', compatibility: '...'}. A previous version of
// another schema type gives "Incompatible because of different schema type".
//
// # Avro
//
// Confluent runs Apache Avro Java (1.12) for both parsing and
// compatibility, so this package reproduces that library rather than the Avro
// specification or hamba/avro:
//
//   - Parsing follows Schema.Parser as Confluent configures it: strict names
//     and default validation for new schemas; for stored ones no validation
//     except Confluent's check of simple names, field names and symbols with
//     the Unicode validator. Forward references, {"type":"Name"} references,
//     identical redefinitions, comments in the JSON, duplicate keys (last
//     value, first position) and Jackson's nesting limit (1000) behave as in
//     Java. Dependencies are parsed first into the same name space. hamba's
//     parser is run on new schemas as a second opinion, with a fresh
//     SchemaCache filled from the dependencies; it is fed a rendering that
//     leaves out what hamba judges differently from Avro Java (defaults,
//     aliases, docs, properties, empty enums), and skipped when hamba cannot
//     express the schema's names (a type without namespace used inside one).
//   - Canonical text is Schema.toString(references, false): attributes in
//     Java's order, properties in document order, named types defined at
//     first use and then referred to by name, the top-level types of
//     dependencies always by name. Resolved text inlines them too. Numbers
//     and strings are written as Jackson writes them.
//   - Normalisation is Confluent's AvroSchemaUtils.toNormalizedString
//     followed by a re-parse, so its visible effects are: properties sorted
//     (object keys sorted at every depth, logicalType and decimal attributes
//     first), aliases sorted, "error" written as "record", empty record docs
//     dropped, defaults converted by Avro's JacksonUtils.toObject (a union
//     default converts as its first branch; a value that does not fit is
//     dropped; ints become 1.0 for double fields), and names without a
//     namespace inside a namespace taking the enclosing one.
//   - Compatibility is SchemaCompatibility.checkReaderWriterCompatibility.
//     Its rules are the small functions of avroRuleTable (avro_rules.go),
//     one per rule with an ID and a purpose, kept as a table so that each
//     rule can be read, tested (testdata/avro/<RULE>.txtar) and compared
//     with its Java counterpart on its own, and so that the dispatch order,
//     which decides the message order, is visible in one place.
//
// # Limits
//
// Confluent runs a check until it ends. Check stops with the context's error when the context
// ends, and with a *LimitError when one comparison of two schemas needs more than
// CheckOptions.MaxSteps steps (DefaultMaxSteps) or nests sub-schema comparisons deeper than
// Java's stack would allow. JSON Schema checks keep only incompatible changes (verdict mode,
// jsonschema_verdict.go), which lets plain combined schemas be matched lazily.
//
// # Known differences in canonical text
//
//   - Doubles and floats are written with the shortest digits that read
//     back to the same value (Java 19+). Java 17, which some Confluent
//     images run, sometimes writes a longer form (2.82879384806159008E17,
//     9.999999999999999E22 for 1.0E23, 1.23456792E8 for a float).
//   - A lone UTF-16 surrogate from a \u escape becomes '?', as Java writes
//     it when encoding to UTF-8; Go strings cannot keep it.
//   - Text that is not valid UTF-8 is rejected; Confluent only ever sees it
//     already decoded, with replacement characters.
//   - The Confluent logical types "map" and "variant" (moved first among a
//     record's or array's properties) are reproduced from reading the code,
//     not checked against a running registry.
//   - String.format placeholders other than %s, %% and %n in a message
//     (possible only in an exception message quoting a doc) are left as
//     written; Java would fail the request.
package compat
