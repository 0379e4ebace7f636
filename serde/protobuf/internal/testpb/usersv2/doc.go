// Package usersv2 is major version 2 of the User message of the Protobuf serde's migration
// tests: ssn renamed and renumbered, a breaking change only a migration bridges. Generated
// by protoc-gen-go from user.proto (see package testpb to regenerate).
package usersv2
