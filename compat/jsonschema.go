package compat

// jsonSchemaFormat is JSON Schema's entry in the format table. This build does not support
// JSON Schema yet: registrations of it are refused with 42201, never accepted unchecked.
func jsonSchemaFormat() (schemaFormat, bool) { return schemaFormat{}, false }
