package api

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// deadlineContext is a request's context ending at its deadline, whose timer is armed only
// when something waits for it (Done, or a context derived from it). Most requests are
// answered from memory and never wait: for them context.WithDeadline would cost a timer, a
// cancelable context and an entry in the connection context's children, made and undone
// per request, more than the answer itself costs. Err reads the clock instead, so a
// request that only checks Err still sees its deadline pass.
type deadlineContext struct {
	context.Context // the request's own
	deadline        time.Time
	once            sync.Once
	armed           atomic.Pointer[armedDeadline]
}

// armedDeadline is context.WithDeadline of the request's context, made on first wait.
type armedDeadline struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func newDeadlineContext(parent context.Context, d time.Duration) *deadlineContext {
	return &deadlineContext{Context: parent, deadline: time.Now().Add(d)}
}

// arm makes the timed context, once.
func (d *deadlineContext) arm() context.Context {
	d.once.Do(func() {
		ctx, cancel := context.WithDeadline(d.Context, d.deadline)
		d.armed.Store(&armedDeadline{ctx: ctx, cancel: cancel})
	})
	return d.armed.Load().ctx
}

// release stops the timer, if one was armed. The request is over.
func (d *deadlineContext) release() {
	if a := d.armed.Load(); a != nil {
		a.cancel()
	}
}

func (d *deadlineContext) Deadline() (time.Time, bool) {
	if p, ok := d.Context.Deadline(); ok && p.Before(d.deadline) {
		return p, true
	}
	return d.deadline, true
}

func (d *deadlineContext) Done() <-chan struct{} { return d.arm().Done() }

func (d *deadlineContext) Err() error {
	if a := d.armed.Load(); a != nil {
		return a.ctx.Err()
	}
	if err := d.Context.Err(); err != nil {
		return err
	}
	if !time.Now().Before(d.deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

// Value answers from the timed context once armed: context.WithCancel and context.AfterFunc
// on this context then find its cancelation (whose channel is Done's) and attach to it
// directly, without a goroutine.
func (d *deadlineContext) Value(key any) any {
	if a := d.armed.Load(); a != nil {
		return a.ctx.Value(key)
	}
	return d.Context.Value(key)
}
