// Package jsonata holds the JSONATA executor of data-contract rules, the one Confluent's
// clients run for migration rules (Go: schemaregistry/rules/jsonata, on the same
// github.com/xiatechs/jsonata-go; Python: rules/jsonata; Java: JsonataExecutor).
//
// A JSONATA rule is a TRANSFORM whose expression reshapes a whole message between two
// versions of a subject, typically across a breaking change a compatibilityGroup allows:
// renaming a field on UPGRADE and back on DOWNGRADE. The message is a JSON-like tree
// (map[string]any, []any, numbers, strings, bools and nil: what encoding/json decodes, and
// what serde/avro.ToJSONTree, serde/jsonschema.DecodeJSONTree and serde/protobuf.ToJSONTree
// make of a record); the answer is the tree the expression gives. A deserializer builds the
// tree with the writer's schema, walks the steps the rules package plans
// ([rules.Migrations], [rules.RunMigrations]), and reads the result as the reader's type
// (FromJSONTree, EncodeJSONTree).
//
// Confluent's clients give JSONata different trees for the same Avro record: Java's wrap
// every union value as {"<branch>": value} and write bytes as strings, Python's wrap none
// and keep bytes, Go's (hamba/avro's generic values) wrap only unions with a named type.
// Accord's trees are Go's, with bytes, fixed and logical types as Avro's JSON encoding
// writes them, so an expression that reshapes records or renames fields, as migrations
// do, means the same thing in every client.
//
// # Where it differs from Confluent's Go client
//
//   - Compiled expressions are cached per expression up to a bound ([WithCacheSize]); the
//     Go client's cache grows without one. A syntax error is cached as well, so a bad rule
//     fails every record without being parsed again.
//   - An expression that yields nothing (JSONata's undefined) fails the rule with
//     [ErrUndefined]; one that yields null fails it as a transform without a result, as
//     the engine treats every nil answer.
//   - The answer is normalised to the JSON-like tree (integers that jsonata-go produced as
//     float64 stay float64, as encoding/json would decode them; typed maps and slices
//     become map[string]any and []any), so the next step and the reader see one shape.
package jsonata
