package auth

import (
	"context"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
)

// Limits bound what password checks may cost. A check that has to hash (the pair is not
// remembered) is the only slow work an anonymous client can cause: argon2id takes its
// memory cost (64 MiB by default) for each check and bcrypt a core for tens of
// milliseconds. The zero value of each field means its default.
type Limits struct {
	// HashMemory is how many bytes of argon2id memory checks may hold at once (default
	// 256 MiB). A check whose hash needs more than all of it runs alone.
	HashMemory int64
	// HashConcurrency is how many checks hash at once (default half the cores, at least
	// one), so that a flood of bad credentials leaves cores for the clients already known.
	HashConcurrency int
	// HashWait is the longest a check waits for its turn (default 2s); past it the caller
	// is told to retry later.
	HashWait time.Duration
	// FailureBurst and FailureInterval limit failed checks per client address: a burst of
	// FailureBurst (default 10), then one per FailureInterval (default 1s).
	FailureBurst    int
	FailureInterval time.Duration
	// MaxClients bounds the addresses whose failures are counted (default 65,536); past it
	// the newcomers share one count.
	MaxClients int
}

// Default limits.
const (
	DefaultHashMemory      = 256 << 20
	DefaultHashWait        = 2 * time.Second
	DefaultFailureBurst    = 10
	DefaultFailureInterval = time.Second
	DefaultMaxClients      = 1 << 16
)

func (l Limits) withDefaults() Limits {
	if l.HashMemory <= 0 {
		l.HashMemory = DefaultHashMemory
	}
	if l.HashConcurrency <= 0 {
		l.HashConcurrency = max(1, runtime.GOMAXPROCS(0)/2)
	}
	if l.HashWait <= 0 {
		l.HashWait = DefaultHashWait
	}
	if l.FailureBurst <= 0 {
		l.FailureBurst = DefaultFailureBurst
	}
	if l.FailureInterval <= 0 {
		l.FailureInterval = DefaultFailureInterval
	}
	if l.MaxClients <= 0 {
		l.MaxClients = DefaultMaxClients
	}
	return l
}

// hashLimiter runs password hashes within a memory budget and a number of slots, with a
// bounded queue.
type hashLimiter struct {
	memory     *semaphore.Weighted // KiB of argon2id memory
	memoryKiB  int64
	slots      *semaphore.Weighted
	slotCount  int64
	wait       time.Duration
	waiting    atomic.Int64
	maxWaiting int64
}

func newHashLimiter(l Limits) *hashLimiter {
	kib := max(l.HashMemory>>10, 1)
	return &hashLimiter{memory: semaphore.NewWeighted(kib), memoryKiB: kib,
		slots: semaphore.NewWeighted(int64(l.HashConcurrency)), slotCount: int64(l.HashConcurrency),
		wait: l.HashWait, maxWaiting: int64(64 * l.HashConcurrency)}
}

// errBusy is a check that did not get its turn in time.
var errBusy = &Throttled{RetryAfter: time.Second, Reason: "password checks busy"}

// run calls verify once the hash's memory and a slot are free, or returns errBusy when they
// are not free within the wait (or ctx ends first), or when too many checks already wait.
func (l *hashLimiter) run(ctx context.Context, hash string, verify func() bool) (bool, error) {
	if l.waiting.Add(1) > l.maxWaiting {
		l.waiting.Add(-1)
		return false, errBusy
	}
	ctx, cancel := context.WithTimeout(ctx, l.wait)
	defer cancel()
	kib, threads := hashCost(hash)
	kib, threads = min(kib, l.memoryKiB), min(threads, l.slotCount)
	err := l.memory.Acquire(ctx, kib)
	if err == nil {
		if err = l.slots.Acquire(ctx, threads); err != nil {
			l.memory.Release(kib)
		}
	}
	l.waiting.Add(-1)
	if err != nil {
		return false, errBusy
	}
	defer l.memory.Release(kib)
	defer l.slots.Release(threads)
	ok := verify()
	if kib >= 1<<10 { // a MiB or more: below, the heap's slack is larger than the hash
		// The hash's memory is garbage now, but the collector would let the heap grow to
		// twice its live size before taking it back: with the budget in use, that is twice
		// the budget. Collecting it and handing it back to the system before the budget is
		// released makes the budget a bound on resident memory; small allocations made
		// meanwhile could otherwise split the freed block and keep it resident while the
		// next check takes a fresh one.
		debug.FreeOSMemory()
	}
	return ok, nil
}

// hashCost is the memory (KiB, 0 when negligible) and the cores a stored hash's check takes.
func hashCost(hash string) (kib, threads int64) {
	if strings.HasPrefix(hash, "$argon2id$") {
		if p, err := parseArgon2id(hash); err == nil {
			return int64(p.memory), int64(p.threads)
		}
	}
	return 0, 1
}
