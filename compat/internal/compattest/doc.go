// Package compattest holds what the tests of compat and of its format packages share: the
// golden txtar cases run under every level, the Confluent corpora the conformance tests read,
// and a Check for schemas well within the step budget. It imports compat, so only external
// test packages (package avro_test, ...) may use it; a format's internal tests stay on their
// own package.
package compattest
