// Package testpb holds the messages the Protobuf serde's tests and benchmarks use, generated
// by protoc-gen-go from order.proto and common.proto. Regenerate after editing them with
//
//	cd serde/protobuf/internal/testpb && go run gen/main.go
package testpb
