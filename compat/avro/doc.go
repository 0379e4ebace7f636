// Package avro parses Avro schemas and checks Avro compatibility the way Confluent Schema
// Registry does. Confluent runs Apache Avro Java (1.12) for both, so this package reproduces
// that library, its Schema.Parser and its SchemaCompatibility, rather than the Avro
// specification or hamba/avro.
//
// # Parsing
//
// Parse follows Schema.Parser as Confluent configures it: strict names and default validation
// for new schemas; for stored ones no validation except Confluent's check of simple names,
// field names and symbols with the Unicode validator. Forward references, {"type":"Name"}
// references, identical redefinitions, comments in the JSON, duplicate keys (last value, first
// position) and Jackson's nesting limit (1000) behave as in Java (package jackson reads the
// JSON). Dependencies are parsed first into the same name space. A document with forward
// references then goes through a replay of Avro's resolver (SchemaResolver.ResolvingVisitor,
// in its visiting order): placeholders resolved, unions checked again, record defaults
// validated again against the resolved types, where a default reaching a record still being
// copied throws "Schema fields not set yet".
//
// hamba's parser is not run: fed the validated graph (without what it judges differently from
// Avro Java: defaults, aliases, docs, properties, empty enums), it rejected nothing the strict
// parse accepts over the corpora, the golden data and FuzzHambaAgrees, and it cost about three
// times the strict parse itself (BenchmarkParseNew in package compat).
//
// # Canonical text
//
// Schema.Canonical is Schema.toString(references, false): attributes in Java's order,
// properties in document order, named types defined at first use and then referred to by
// name, the top-level types of dependencies always by name. The "resolved" format inlines them
// too. Numbers and strings are written as Jackson writes them.
//
// Normalisation is Confluent's AvroSchemaUtils.toNormalizedString followed by a re-parse, so
// its visible effects are: properties sorted (object keys sorted at every depth, logicalType
// and decimal attributes first), aliases sorted, "error" written as "record", empty record docs
// dropped, defaults converted by Avro's JacksonUtils.toObject (a union default converts as its
// first branch; a value that does not fit is dropped; ints become 1.0 for double fields), and
// names without a namespace inside a namespace taking the enclosing one.
//
// # Compatibility
//
// Differences and Incompatibilities are SchemaCompatibility.checkReaderWriterCompatibility.
// Its rules are the small functions of avroRuleTable (rules.go), one per rule with an ID and a
// purpose, kept as a table so that each rule can be read, tested
// (testdata/compatibility/<RULE>.txtar) and compared with its Java counterpart on its own, and
// so that the dispatch order, which decides the message order, is visible in one place.
// Differences writes each incompatibility as Confluent's Difference string, with %s where
// compat puts "new" and "old":
//
//	{errorType:'<TYPE>', description:'<description>', additionalInfo:'<Avro's message>'}
//
// where the description is Confluent's text for the type, naming the path (JSON-pointer-like,
// built from fields, field positions, type, items, values, symbols, size, name and union
// branch indexes; the root is "/"). Where Avro Java throws (a reader field whose name and alias
// both match writer fields) the only message is "Unexpected exception during compatibility
// check: " and the exception's message. The compatibility policy does not apply to Avro.
//
// # Known differences
//
//   - Doubles and floats are written with Java 19's shortest digits; see package jackson.
//   - Avro's resolver walks a document again from each named type and from each forward
//     reference to a type not yet copied. The replay skips what an earlier walk built, which
//     changes nothing Avro reports, and stops a document that would still need more than
//     2,000,000 steps or walks nested 2,000 deep: "Schema too complex". Avro Java has no such
//     limit but overflows its stack on the same shapes a little later (a chain of 1,500
//     records each referring forward to the next; 1,200 parse).
//   - Checking a new schema's field defaults (Schema.isValidDefault) fills a record's missing
//     fields from their own defaults and tries a union's branches in turn, so its work can
//     double with each level of records or multiply a default's size by a union's width. Accord
//     stops a document whose default checks take more than 10,000,000 steps: "Schema too
//     complex". Avro Java has no such limit and runs until done.
//   - Where Avro names a forward reference's placeholder in a message (an undefined root type,
//     an invalid default involving one), it prints a counter that runs across the whole JVM;
//     Accord prints the name the document used.
//   - A lone UTF-16 surrogate from a \u escape becomes '?', as Java writes it when encoding to
//     UTF-8; Go strings cannot keep it.
//   - Text that is not valid UTF-8 is rejected; Confluent only ever sees it already decoded,
//     with replacement characters.
//   - The Confluent logical types "map" and "variant" (moved first among a record's or array's
//     properties) are reproduced from reading the code, not checked against a running
//     registry.
package avro
