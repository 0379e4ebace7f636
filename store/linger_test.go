package store

import (
	"context"
	"testing"
	"time"
)

func openLingering(t *testing.T, m *memShared, linger time.Duration) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{Shared: m, WriteTimeout: 20 * time.Second, GroupLinger: linger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if err := s.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestGroupWaitsForTheWritersItAnswered: writer A's write is in flight while B's queues.
// When A is answered, the group holding B waits for A's next write (the linger is long here,
// so the test does not depend on timing), and B and A's next write share one transaction:
// two transactions for three writes, where without the linger groups would alternate.
func TestGroupWaitsForTheWritersItAnswered(t *testing.T) {
	m := newMemShared()
	s := openLingering(t, m, time.Minute)
	register := func(subject, schema string) error {
		_, err := s.Register(context.Background(), subject, avroReq(schema), false)
		return err
	}
	release := holdInFlight(t, s, m) // writer A's first write
	b := queueWrite(t, s, func() error { return register("b", `"string"`) })
	release()
	// A takes its time to come back (a client receiving its answer and sending its next
	// write); the linger, a minute here, outlasts it whatever the machine's load.
	time.Sleep(50 * time.Millisecond)
	if err := register("a", `"int"`); err != nil { // A's next write, once A was answered
		t.Fatal(err)
	}
	if err := <-b; err != nil {
		t.Fatal(err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.appends != 2 {
		t.Errorf("%d transactions for three writes; want 2, B's group waiting for A's next write", m.appends)
	}
}

// TestGroupLingerIsBounded: when the writer a group answered does not come back, the next
// group starts anyway once the linger has passed.
func TestGroupLingerIsBounded(t *testing.T) {
	m := newMemShared()
	s := openLingering(t, m, 20*time.Millisecond)
	release := holdInFlight(t, s, m)
	b := queueWrite(t, s, func() error {
		_, err := s.Register(context.Background(), "b", avroReq(`"string"`), false)
		return err
	})
	release()
	select {
	case err := <-b:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the queued write waited for a writer that never came back")
	}
}

// TestLoneWriterDoesNotLinger: a single writer's next write is the only one queued, as many
// as the last group answered, so its group starts at once, whatever the linger.
func TestLoneWriterDoesNotLinger(t *testing.T) {
	m := newMemShared()
	s := openLingering(t, m, time.Hour)
	for i, subject := range []string{"lone-1", "lone-2", "lone-3"} {
		done := make(chan error, 1)
		go func() {
			_, err := s.Register(context.Background(), subject, avroReq(`"int"`), false)
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("write %d: %v", i, err)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("write %d of a lone writer waited for the linger", i)
		}
	}
}

// TestLingerThatRanOutIsSkipped: when the writer a group answered did not come back within
// the linger, the next groups start at once instead of paying for the same guess again. No
// timing is assumed: round 2's linger is an hour, so D is answered only if its group skips it.
func TestLingerThatRanOutIsSkipped(t *testing.T) {
	m := newMemShared()
	s := openLingering(t, m, 20*time.Millisecond)
	register := func(subject string) error {
		_, err := s.Register(context.Background(), subject, avroReq(`"int"`), false)
		return err
	}
	// Round 1: B's group lingers for the in-flight writer, which never comes back.
	release := holdInFlight(t, s, m)
	b := queueWrite(t, s, func() error { return register("b") })
	release()
	if err := <-b; err != nil {
		t.Fatal(err)
	}
	// Round 2: the in-flight writer does not come back either, and D's group starts at once.
	// Every goroutine that reads the linger starts after this write.
	s.cfg.GroupLinger = time.Hour
	release = holdInFlightAs(t, s, m, "in-flight-2")
	d := queueWrite(t, s, func() error { return register("d") })
	release()
	select {
	case err := <-d:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("D's group lingered for the answered writer although round 1's linger ran out")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.appends != 4 {
		t.Errorf("%d transactions; want 4, one per write", m.appends)
	}
}
