// Package jsonata holds the JSONATA executor of data-contract rules, the one Confluent's
// clients run for migration rules (Go: schemaregistry/rules/jsonata, on the same
// github.com/xiatechs/jsonata-go; Python: rules/jsonata; Java: JsonataExecutor).
//
// A JSONATA rule is a TRANSFORM whose expression reshapes a whole message between two
// versions of a subject, typically across a breaking change a compatibilityGroup allows:
// renaming a field on UPGRADE and back on DOWNGRADE. The message is a JSON-like tree
// (map[string]any, []any, numbers, strings, bools and nil: what encoding/json decodes, and
// what the rules package's ToJSONTree helpers make of an Avro or JSON value); the answer
// is the tree the expression gives. The deserializers build the tree, walk the migration
// steps the rules package plans ([rules.Migrations], [rules.RunMigrations]) and read the
// result as the reader's type.
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
