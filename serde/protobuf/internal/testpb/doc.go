// Package testpb holds the messages the Protobuf serde's tests and benchmarks use, generated
// by protoc-gen-go from order.proto, common.proto and usersv1/usersv2 user.proto (two
// major versions of one subject, for the migration tests). Regenerate after editing them with
//
//	cd serde/protobuf/internal/testpb && go run gen/main.go
package testpb
