// Package store holds the registry's state and rules and persists them as a log of Confluent
// `_schemas` records.
package store
