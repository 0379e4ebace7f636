// Package sertest runs a real Accord schema registry inside a test process, so that code
// using Accord's serializers (or any Confluent-compatible registry client) is tested without
// a server to install or start.
//
// It is the registry itself, not a fake: the same HTTP API, the same store on a temporary
// embedded log, and the same compatibility checks as `accord serve`. A test therefore sees
// the answers production will give, including the 409 of an incompatible schema, which a
// fake that only remembers schemas (such as franz-go's srfake) cannot give.
//
//	func TestProducer(t *testing.T) {
//		registry := sertest.New(t) // closed when the test ends
//		ser, err := avro.NewSerializer[Order](registry.Client(), orderSchema)
//		...
//	}
//
// [Start] does the same for code without a *testing.T, such as Example functions and
// TestMain. The registry listens on 127.0.0.1 on a free port. It serves the DEK Registry
// (/dek-registry/v1) too, for tests of field encryption, without a KMS of its own: KEKs that
// are not shared work as in production; shared ones answer 500 (50070).
//
// Unlike package serde and its format packages, sertest imports the server's packages; it
// is meant for tests only.
package sertest
