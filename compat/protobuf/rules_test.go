package protobuf

import (
	"strings"
	"testing"
)

// TestProtobufRuleTable checks the change-kind table against Confluent's
// SchemaDiff.COMPATIBLE_CHANGES and that every incompatible kind has a description.
func TestProtobufRuleTable(t *testing.T) {
	compatible := map[string]bool{}
	for _, k := range []string{"MESSAGE_ADDED", "MESSAGE_MOVED", "ENUM_ADDED", "ENUM_REMOVED",
		"ENUM_CONST_ADDED", "ENUM_CONST_CHANGED", "ENUM_CONST_REMOVED", "FIELD_ADDED", "FIELD_REMOVED",
		"FIELD_NAME_CHANGED", "FIELD_STRING_OR_BYTES_LABEL_CHANGED", "ONEOF_ADDED", "ONEOF_REMOVED",
		"ONEOF_FIELD_ADDED", "ONEOF_FIELD_MOVED_TO_TOP_LEVEL"} {
		compatible[k] = true
	}
	table := protobufRuleTable()
	if len(table) != 26 {
		t.Errorf("%d kinds, want Confluent's 26", len(table))
	}
	for _, r := range table {
		if r.compatible != compatible[r.kind] {
			t.Errorf("%s: compatible = %v", r.kind, r.compatible)
		}
		if !r.compatible && !strings.Contains(r.description, "'P'") {
			t.Errorf("%s: description %q has no path", r.kind, r.description)
		}
		if r.purpose == "" || r.reportedBy == nil {
			t.Errorf("%s: purpose or reporting function missing", r.kind)
		}
	}
}
