package api

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a goroutine a test started (a server, a Kafka client, a
// worker) outlives the tests: one left running can call t.Errorf after its test completed,
// which panics the whole test binary, or carry load into the tests after it.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
