package api

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestDeadlineContextUnarmed: a request that never waits still sees its deadline in Err and
// Deadline, and its parent's cancelation.
func TestDeadlineContextUnarmed(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	ctx := newDeadlineContext(parent, 20*time.Millisecond)
	defer ctx.release()
	if err := ctx.Err(); err != nil {
		t.Fatalf("Err before the deadline = %v", err)
	}
	if d, ok := ctx.Deadline(); !ok || time.Until(d) > 20*time.Millisecond {
		t.Errorf("Deadline = %v, %v", d, ok)
	}
	time.Sleep(30 * time.Millisecond)
	if err := ctx.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Err after the deadline = %v, want DeadlineExceeded", err)
	}
	if ctx.armed.Load() != nil {
		t.Error("Err armed a timer")
	}
	cancel()
	other := newDeadlineContext(parent, time.Hour)
	if err := other.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("Err of a canceled request = %v, want Canceled", err)
	}
}

// TestDeadlineContextArmed: Done closes at the deadline, and contexts derived from it end
// with it; the earlier of the parent's deadline and its own is reported.
func TestDeadlineContextArmed(t *testing.T) {
	ctx := newDeadlineContext(context.Background(), 20*time.Millisecond)
	defer ctx.release()
	derived, cancelDerived := context.WithCancel(ctx)
	defer cancelDerived()
	var ran = make(chan struct{})
	stop := context.AfterFunc(ctx, func() { close(ran) })
	defer stop()
	for _, done := range []<-chan struct{}{ctx.Done(), derived.Done(), ran} {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("not ended 10s after the deadline")
		}
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) || !errors.Is(derived.Err(), context.DeadlineExceeded) {
		t.Errorf("Err = %v, derived %v; want DeadlineExceeded", ctx.Err(), derived.Err())
	}
	parent, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	pd, _ := parent.Deadline()
	if d, _ := newDeadlineContext(parent, time.Hour).Deadline(); !d.Equal(pd) {
		t.Errorf("Deadline = %v, want the parent's %v", d, pd)
	}
}

// TestDeadlineContextParentCanceled: once armed, the parent's cancelation ends it.
func TestDeadlineContextParentCanceled(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	ctx := newDeadlineContext(parent, time.Hour)
	defer ctx.release()
	done := ctx.Done()
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("not ended 10s after its parent")
	}
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Errorf("Err = %v, want Canceled", ctx.Err())
	}
}
