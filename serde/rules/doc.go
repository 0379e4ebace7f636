// Package rules runs the data-contract rules a registered schema carries, as Confluent's
// serializers do: conditions that reject a record, transforms that change it, field-level
// rules chosen by tags, migrations between major versions, and the actions that follow a
// rule's success or failure.
//
// The types in contract.go are the seams between the engine, the executors (CEL, JSONata,
// field encryption) and the format packages, which walk their own values field by field.
package rules
