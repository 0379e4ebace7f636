package auth

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// argonHash is an argon2id hash of m KiB (its salt and key are not of any password).
func argonHash(m string) string {
	return "$argon2id$v=19$m=" + m + ",t=1,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5"
}

// TestHashMemoryBudget: argon2id checks run only while their memory fits the budget, and the
// ones that cannot get a turn within HashWait are answered busy instead of queued forever.
func TestHashMemoryBudget(t *testing.T) {
	l := newHashLimiter(Limits{HashMemory: 4 << 20, HashConcurrency: 8, HashWait: 200 * time.Millisecond}.withDefaults())
	var inUse, peak atomic.Int64
	release := make(chan struct{})
	var wg sync.WaitGroup
	var busy atomic.Int64
	for range 6 {
		wg.Go(func() {
			_, err := l.run(context.Background(), argonHash("1024"), func() bool {
				n := inUse.Add(1024)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				<-release
				inUse.Add(-1024)
				return false
			})
			if errors.Is(err, errBusy) {
				busy.Add(1)
			}
		})
	}
	// The 2 checks that do not fit give up after HashWait; the 4 that do are held till then.
	for deadline := time.Now().Add(10 * time.Second); busy.Load() < 2 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	wg.Wait()
	if peak.Load() > 4096 {
		t.Errorf("argon2id checks held %d KiB at once, budget 4096", peak.Load())
	}
	if busy.Load() != 2 {
		t.Errorf("%d checks were answered busy, want the 2 beyond the budget", busy.Load())
	}
}

// TestHashConcurrency: no more than HashConcurrency checks hash at once, whatever the scheme.
func TestHashConcurrency(t *testing.T) {
	l := newHashLimiter(Limits{HashConcurrency: 2, HashWait: 10 * time.Second}.withDefaults())
	var inUse, peak atomic.Int64
	var wg sync.WaitGroup
	for i := range 12 {
		hash := "$2a$10$"
		if i%2 == 0 {
			hash = argonHash("64")
		}
		wg.Go(func() {
			l.run(context.Background(), hash, func() bool {
				n := inUse.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				time.Sleep(5 * time.Millisecond)
				inUse.Add(-1)
				return false
			})
		})
	}
	wg.Wait()
	if peak.Load() != 2 {
		t.Errorf("%d checks hashed at once, want 2", peak.Load())
	}
}

// TestBusyIsThrottled: a check that finds no turn in time is a *Throttled, not a wrong password,
// and does not count as a failure of its client.
func TestBusyIsThrottled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.yaml")
	writeUsers(t, path, map[string]string{"alice": mustHash(t, HashBcrypt, alicePassword)})
	a, err := LoadLimited(path, Limits{HashConcurrency: 1, HashWait: 50 * time.Millisecond, FailureBurst: 1})
	if err != nil {
		t.Fatal(err)
	}
	hold := make(chan struct{})
	held := make(chan struct{})
	go a.hashes.run(context.Background(), "$2a$10$", func() bool { close(held); <-hold; return false })
	<-held
	var throttled *Throttled
	if err := a.Check(context.Background(), "alice", alicePassword, "192.0.2.7"); !errors.As(err, &throttled) || throttled.RetryAfter < time.Second {
		t.Errorf("a check while the only slot is held: %v, want *Throttled", err)
	}
	close(hold)
	if err := a.Check(context.Background(), "alice", alicePassword, "192.0.2.7"); err != nil {
		t.Errorf("the same check once the slot is free: %v", err)
	}
}
