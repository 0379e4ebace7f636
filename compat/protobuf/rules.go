package protobuf

// Confluent's Protobuf change kinds (io.confluent.kafka.schemaregistry.protobuf.diff.
// Difference.Type), with the verdict of SchemaDiff.COMPATIBLE_CHANGES, the function of the
// diff engine (diff.go) that reports it, and, for incompatible kinds, the message
// description of Difference.error() ("P" stands for the path).

// The change kinds.
const (
	pbPackageChanged                 = "PACKAGE_CHANGED"
	pbMessageAdded                   = "MESSAGE_ADDED"
	pbMessageRemoved                 = "MESSAGE_REMOVED"
	pbMessageMoved                   = "MESSAGE_MOVED"
	pbEnumAdded                      = "ENUM_ADDED"
	pbEnumRemoved                    = "ENUM_REMOVED"
	pbEnumConstAdded                 = "ENUM_CONST_ADDED"
	pbEnumConstChanged               = "ENUM_CONST_CHANGED"
	pbEnumConstRemoved               = "ENUM_CONST_REMOVED"
	pbFieldAdded                     = "FIELD_ADDED"
	pbFieldRemoved                   = "FIELD_REMOVED"
	pbFieldNameChanged               = "FIELD_NAME_CHANGED"
	pbFieldKindChanged               = "FIELD_KIND_CHANGED"
	pbFieldScalarKindChanged         = "FIELD_SCALAR_KIND_CHANGED"
	pbFieldNamedTypeChanged          = "FIELD_NAMED_TYPE_CHANGED"
	pbFieldNumericLabelChanged       = "FIELD_NUMERIC_LABEL_CHANGED"
	pbFieldStringOrBytesLabelChanged = "FIELD_STRING_OR_BYTES_LABEL_CHANGED"
	pbRequiredFieldAdded             = "REQUIRED_FIELD_ADDED"
	pbRequiredFieldRemoved           = "REQUIRED_FIELD_REMOVED"
	pbOneofAdded                     = "ONEOF_ADDED"
	pbOneofRemoved                   = "ONEOF_REMOVED"
	pbOneofFieldAdded                = "ONEOF_FIELD_ADDED"
	pbOneofFieldRemoved              = "ONEOF_FIELD_REMOVED"
	pbOneofFieldMovedToTopLevel      = "ONEOF_FIELD_MOVED_TO_TOP_LEVEL"
	pbMultipleFieldsMovedToOneof     = "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
	pbFieldMovedToExistingOneof      = "FIELD_MOVED_TO_EXISTING_ONEOF"
)

// pbRule is one change kind: its verdict, what it means, the diff engine's function that
// reports it (a method expression of *pbDiff, so the table names real code), and the
// description of its message (incompatible kinds only).
type pbRule struct {
	kind        string
	compatible  bool
	purpose     string
	reportedBy  any
	description string
}

// protobufRuleTable lists every change kind in Confluent's enum order.
func protobufRuleTable() []pbRule {
	return []pbRule{
		{pbPackageChanged, false, "the file's package differs (none ↔ some included)", (*pbDiff).checkPackage,
			"The package at 'P' in the %s schema does not match the package in the %s schema"},
		{pbMessageAdded, true, "a message (matched by simple name in its scope) only in the update", (*pbDiff).checkTypes, ""},
		{pbMessageRemoved, false, "a message only in the original", (*pbDiff).checkTypes,
			"The %s schema is missing a MESSAGE type at path 'P' in the %s schema"},
		{pbMessageMoved, true, "a message's index among its scope's messages changed", (*pbDiff).checkMessageMoved, ""},
		{pbEnumAdded, true, "an enum only in the update", (*pbDiff).checkTypes, ""},
		{pbEnumRemoved, true, "an enum only in the original", (*pbDiff).checkTypes, ""},
		{pbEnumConstAdded, true, "an enum number only in the update", (*pbDiff).checkEnum, ""},
		{pbEnumConstChanged, true, "an enum number whose name changed", (*pbDiff).checkEnum, ""},
		{pbEnumConstRemoved, true, "an enum number only in the original", (*pbDiff).checkEnum, ""},
		{pbFieldAdded, true, "a top-level field tag only in the update", (*pbDiff).checkFieldAddedOrRemoved, ""},
		{pbFieldRemoved, true, "a top-level field tag only in the original", (*pbDiff).checkFieldAddedOrRemoved, ""},
		{pbFieldNameChanged, true, "same tag, different name", (*pbDiff).checkFieldName, ""},
		{pbFieldKindChanged, false, "same tag, kind SCALAR (enums included) / MESSAGE / MAP differs", (*pbDiff).checkFieldKind,
			"The type of a field at path 'P' in the %s schema does not match the %s schema"},
		{pbFieldScalarKindChanged, false, "scalar types of different wire groups", (*pbDiff).checkScalar,
			"The kind of a SCALAR field at path 'P' in the %s schema does not match its kind in the %s schema"},
		{pbFieldNamedTypeChanged, false, "message types of different local names, or an incompatible referenced type", (*pbDiff).checkMessageType,
			"The type of a MESSAGE field at path 'P' in the %s schema does not match its type in the %s schema"},
		{pbFieldNumericLabelChanged, false, "numeric field whose written labels differ (both present)", (*pbDiff).checkScalar,
			"The label for a NUMERIC field at path 'P' in the %s schema does not match its label in the %s schema"},
		{pbFieldStringOrBytesLabelChanged, true, "string/bytes field whose written labels differ (both present)", (*pbDiff).checkScalar, ""},
		{pbRequiredFieldAdded, false, "a required top-level field only in the update", (*pbDiff).checkFieldAddedOrRemoved,
			"A required field  at path 'P' in the %s schema is missing in the %s schema"},
		{pbRequiredFieldRemoved, false, "a required top-level field only in the original", (*pbDiff).checkFieldAddedOrRemoved,
			"The %s schema is missing a required field at path: 'P' in the %s schema"},
		{pbOneofAdded, true, "a oneof name only in the update", (*pbDiff).checkOneofNames, ""},
		{pbOneofRemoved, true, "a oneof name only in the original", (*pbDiff).checkOneofNames, ""},
		{pbOneofFieldAdded, true, "a tag only in the update, inside a oneof", (*pbDiff).checkFieldAddedOrRemoved, ""},
		{pbOneofFieldRemoved, false, "a oneof member gone from the message (its oneof not wholly deleted)", (*pbDiff).checkMembers,
			"The %s schema is missing a oneof field at path 'P' in the %s schema"},
		{pbOneofFieldMovedToTopLevel, true, "a oneof member became a top-level field", (*pbDiff).checkFieldMovedOut, ""},
		{pbMultipleFieldsMovedToOneof, false, "a oneof gathers fields of several origins, two or more of them top-level", (*pbDiff).checkOneofOrigins,
			"Multiple fields in the oneof at path 'P' in the %s schema are outside a oneof in the %s schema"},
		{pbFieldMovedToExistingOneof, false, "a oneof gathers fields of several origins", (*pbDiff).checkOneofOrigins,
			"A field in the oneof at path 'P' in the %s schema is outside an existing oneof in the %s schema"},
	}
}

// pbRules indexes protobufRuleTable by kind.
type pbRules map[string]pbRule

func newPBRules() pbRules {
	m := pbRules{}
	for _, r := range protobufRuleTable() {
		m[r.kind] = r
	}
	return m
}
