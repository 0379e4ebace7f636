package protobuf

import (
	"io"
	"strings"

	"github.com/bufbuild/protocompile"
)

// Schemas that tag fields for data-contract rules import Confluent's confluent/meta.proto,
// which Confluent's serializers never register (every registry has it), so a writer's schema
// that imports it compiles only if the deserializer knows the file. metaProto declares the
// same message and extensions, with the same names and numbers, so that the options
// compiled from a writer's schema have the wire form Confluent's clients give them.
const metaProtoPath = "confluent/meta.proto"

const metaProto = `syntax = "proto3";
package confluent;

import "google/protobuf/descriptor.proto";

option go_package = "github.com/accord-registry/accord/serde/protobuf/confluent";

// Meta is what the options below attach: documentation, parameters, and the tags that
// field-level rules select fields by.
message Meta {
  string doc = 1;
  map<string, string> params = 2;
  repeated string tags = 3;
}

extend google.protobuf.FileOptions { Meta file_meta = 1088; }
extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
`

// bundled returns the source of a file every registry has and schemas import without a
// reference.
func bundled(path string) (protocompile.SearchResult, bool) {
	if path != metaProtoPath {
		return protocompile.SearchResult{}, false
	}
	return protocompile.SearchResult{Source: io.NopCloser(strings.NewReader(metaProto))}, true
}
