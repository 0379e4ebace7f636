package encryption

import (
	"fmt"
	"sync"
	"testing"

	"github.com/accord-registry/accord/serde/deks"
	"github.com/accord-registry/accord/serde/rules"
)

// TestConcurrentWriters: producers that start together on an empty registry agree on one
// KEK and one DEK (the losers of the race get 409s and read the winner's), and every value
// decrypts.
func TestConcurrentWriters(t *testing.T) {
	f, reg := newFake(t)
	const n = 8
	var wg sync.WaitGroup
	cts := make([]any, n)
	errs := make([]error, n)
	for i := range n {
		// Half share one executor, half have their own registry client (other processes).
		e := NewFieldExecutor(testConfig(reg, newClock(0)))
		if i%2 == 1 {
			e = NewFieldExecutor(testConfig(mustSharing(t, f), newClock(0)))
		}
		wg.Go(func() {
			cts[i], errs[i] = fieldErr(e, ruleContext(rules.Write, "s", localParams()), rules.FieldString, fmt.Sprint("value ", i))
		})
	}
	wg.Wait()
	if n := len(f.stored("kek1", "s", deks.AES256GCM)); n != 1 {
		t.Errorf("%d DEKs stored, want 1", n)
	}
	r := NewFieldExecutor(testConfig(mustSharing(t, f), newClock(0)))
	for i := range n {
		if errs[i] != nil {
			t.Errorf("writer %d: %v", i, errs[i])
			continue
		}
		if got := field(t, r, ruleContext(rules.Read, "s", localParams()), rules.FieldString, cts[i]); got != fmt.Sprint("value ", i) {
			t.Errorf("writer %d's value decrypts to %v", i, got)
		}
	}
}
