package protobuf

import (
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// ToJSONTree turns a message (decoded with the writer's schema, a *dynamicpb.Message
// usually) into the JSON-like tree migration rules (JSONATA) transform, as Confluent's Go
// client does: its canonical protobuf JSON with every field present, defaults included
// (field names in lowerCamelCase, 64-bit integers as strings, bytes in base64, enums by
// name, well-known types in their JSON forms), decoded by encoding/json.
func ToJSONTree(m proto.Message) (any, error) {
	b, err := protojson.MarshalOptions{EmitDefaultValues: true}.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("serde/protobuf: %w", err)
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		return nil, fmt.Errorf("serde/protobuf: %w", err)
	}
	return tree, nil
}

// FromJSONTree reads a migrated tree into a message of the reader's type (a generated
// message, or a *dynamicpb.Message of the reader's descriptor), through protobuf JSON as
// Confluent's Go client does: a field the reader's message does not have is an error.
func FromJSONTree(tree any, into proto.Message) error {
	b, err := json.Marshal(tree)
	if err != nil {
		return fmt.Errorf("serde/protobuf: %w", err)
	}
	if err := protojson.Unmarshal(b, into); err != nil {
		return fmt.Errorf("serde/protobuf: %w", err)
	}
	return nil
}
