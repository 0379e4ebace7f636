package test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a goroutine a test started outlives the tests: a goroutine
// left running may call t.Errorf after its test has completed, which panics the whole test
// binary and hides every test after it, or keep a server, a Kafka client or a subprocess
// going into the next test.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
