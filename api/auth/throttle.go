package auth

import (
	"fmt"
	"net/netip"
	"sync"
	"time"
)

// Throttled is a check refused without looking at the credentials: the client's address
// failed too often, or the checks ahead of it took too long. The caller should answer 429
// with Retry-After rather than 401, which would tell the client its credentials are wrong.
type Throttled struct {
	RetryAfter time.Duration
	Reason     string
}

func (t *Throttled) Error() string { return fmt.Sprintf("%s; retry after %s", t.Reason, t.RetryAfter) }

// failureLimiter is a token bucket per client address: each check that hashes takes a
// token, which it gives back when the password was right; tokens come back one per
// interval up to burst, and an address without a token is not checked at all. Taking the
// token before the check, not after a failure, bounds the checks one address has in
// flight to its tokens. Checks that succeed take nothing, and remembered pairs are let in before
// the limiter is asked, so a client with good credentials behind the same address (a NAT)
// keeps working.
type failureLimiter struct {
	burst    float64
	interval time.Duration
	max      int
	now      func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	// overflow is shared by the addresses that find the map full of buckets still in use.
	overflow bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newFailureLimiter(l Limits, now func() time.Time) *failureLimiter {
	return &failureLimiter{burst: float64(l.FailureBurst), interval: l.FailureInterval, max: l.MaxClients, now: now,
		buckets: map[string]*bucket{}, overflow: bucket{tokens: float64(l.FailureBurst), at: now()}}
}

// clientKey is what failures are counted by: the address, or for IPv6 its /64, which one
// host usually holds whole.
func clientKey(client string) string {
	addr, err := netip.ParseAddr(client)
	if err != nil {
		return client
	}
	addr = addr.Unmap()
	if addr.Is6() {
		return netip.PrefixFrom(addr, 64).Masked().String()
	}
	return addr.String()
}

// take takes a token of client's for one check, or says how long until there is one.
func (f *failureLimiter) take(client string) (time.Duration, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	key := clientKey(client)
	b := f.buckets[key]
	if b == nil && len(f.buckets) >= f.max {
		f.sweep(now)
	}
	switch {
	case b != nil:
	case len(f.buckets) >= f.max:
		b = &f.overflow
	default:
		b = &bucket{tokens: f.burst, at: now}
		f.buckets[key] = b
	}
	if f.refill(b, now) < 1 {
		return time.Duration((1 - b.tokens) * float64(f.interval)), false
	}
	b.tokens--
	return 0, true
}

// giveBack returns the token of a check that did not fail.
func (f *failureLimiter) giveBack(client string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.buckets[clientKey(client)]
	switch {
	case b != nil:
	case len(f.buckets) >= f.max:
		b = &f.overflow
	default:
		return // swept meanwhile: a full bucket
	}
	b.tokens = min(b.tokens+1, f.burst)
}

// refill adds the tokens earned since the bucket was last seen, and returns them.
func (f *failureLimiter) refill(b *bucket, now time.Time) float64 {
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.tokens = min(f.burst, b.tokens+float64(elapsed)/float64(f.interval))
		b.at = now
	}
	return b.tokens
}

// sweep forgets the addresses whose buckets are full again: forgetting them changes nothing.
func (f *failureLimiter) sweep(now time.Time) {
	for key, b := range f.buckets {
		if f.refill(b, now) >= f.burst {
			delete(f.buckets, key)
		}
	}
}
