// Package cel holds the CEL executors of data-contract rules, those of Confluent's clients
// (Go: schemaregistry/rules/cel; Python: rules/cel), on github.com/google/cel-go.
//
// [Executor], type CEL, evaluates a rule's expression with the whole message as the
// variable message: a bool for a CONDITION, the new message for a TRANSFORM.
// [FieldExecutor], type CEL_FIELD, is a [rules.FieldExecutor]: the engine has the format
// walk the message and the expression runs on each primitive field the rule selects, with
// the variables value, fullName, name, typeName ("STRING", "INT", …), tags and message (the
// record holding the field); null values pass through untouched and non-primitive ones are
// left alone. Both accept Confluent's guard: text before the first ';' is evaluated first,
// and when it is false or fails the rule is skipped (a CONDITION passes, a TRANSFORM gives
// its input back).
//
// The environment is Confluent's: numbers of different types compare, cel-go's strings
// extension, and the string methods isEmail, isHostname, isIpv4, isIpv6, isUri, isUriRef
// and isUuid.
//
// # Messages
//
// Values reach CEL as the serializers hold them. Maps (map[string]any, the generic Avro
// and JSON records) and slices go through cel-go's own adapter. A protobuf message is
// declared with its type, so expressions are type-checked against its fields. A typed
// struct is read through a small adapter that looks fields up by their schema names (the
// avro struct tag for an Avro target, the json tag otherwise, else the Go name), one field
// at a time and only when the expression reads it; converting the whole struct to a map
// on every record would cost an allocation per field. Confluent's Go client instead
// declares the struct with cel-go's native types, where expressions must use Go field
// names; Accord's rules use the schema's names, so that one rule means the same thing in
// Java, Python and Go.
//
// A transform's result is converted to the Go type of its input when it can be (an int32
// field stays an int32), else to plain Go values (maps to map[string]any, lists to []any).
//
// Compiled programs are cached per expression, struct tag and the CEL types of the
// variables, bounded by [WithCacheSize]; a compile error is cached too.
package cel
