package compat

// protobufFormat is Protobuf's entry in the format table. This build does not support
// Protobuf yet: registrations of it are refused with 42201, never accepted unchecked.
func protobufFormat() (schemaFormat, bool) { return schemaFormat{}, false }
