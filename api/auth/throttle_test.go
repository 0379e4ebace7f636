package auth

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// fakeClock is a time a test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// TestFailuresPerClient: after FailureBurst failures an address is refused without a check
// until a token comes back; another address is not affected, and neither is a pair already
// verified from the refused address.
func TestFailuresPerClient(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.yaml")
	writeUsers(t, path, map[string]string{"alice": mustHash(t, HashBcrypt, alicePassword)})
	a, err := LoadLimited(path, Limits{FailureBurst: 3, FailureInterval: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	a.failures = newFailureLimiter(Limits{FailureBurst: 3, FailureInterval: time.Minute}.withDefaults(), clock.now)
	ctx := context.Background()
	if err := a.Check(ctx, "alice", alicePassword, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		user := "alice"
		if i == 1 {
			user = "mallory"
		}
		if err := a.Check(ctx, user, "wrong", "192.0.2.1"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("failure %d: %v, want ErrBadCredentials", i+1, err)
		}
	}
	hashed := a.hashed.Load()
	var throttled *Throttled
	if err := a.Check(ctx, "alice", "wrong", "192.0.2.1"); !errors.As(err, &throttled) || throttled.RetryAfter != time.Minute {
		t.Errorf("a 4th failure: %v, want *Throttled with RetryAfter 1m", err)
	}
	if err := a.Check(ctx, "alice", bobPassword, "192.0.2.1"); !errors.As(err, &throttled) {
		t.Errorf("an unverified pair from the throttled address: %v, want *Throttled", err)
	}
	if a.hashed.Load() != hashed {
		t.Error("a throttled address's check was hashed")
	}
	if err := a.Check(ctx, "alice", alicePassword, "192.0.2.1"); err != nil {
		t.Errorf("a verified pair from the throttled address: %v", err)
	}
	if err := a.Check(ctx, "alice", "wrong", "192.0.2.2"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("another address: %v, want ErrBadCredentials", err)
	}
	clock.t = clock.t.Add(time.Minute)
	if err := a.Check(ctx, "alice", "wrong", "192.0.2.1"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("a minute later: %v, want one more check", err)
	}
	if err := a.Check(ctx, "alice", "wrong", "192.0.2.1"); !errors.As(err, &throttled) {
		t.Errorf("right after: %v, want *Throttled", err)
	}
}

// TestFailureLimiterIsBounded: checks from 10,000 addresses keep at most MaxClients
// buckets; the newcomers past it share one, and addresses of one IPv6 /64 share theirs.
func TestFailureLimiterIsBounded(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	f := newFailureLimiter(Limits{FailureBurst: 2, FailureInterval: time.Hour, MaxClients: 100}.withDefaults(), clock.now)
	for i := range 10_000 {
		f.take(fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255))
	}
	if len(f.buckets) > 100 {
		t.Errorf("%d buckets after 10,000 addresses, want at most 100", len(f.buckets))
	}
	if _, ok := f.take("203.0.113.9"); ok {
		t.Error("a newcomer past the bound is allowed although the shared bucket is empty")
	}
	clock.t = clock.t.Add(3 * time.Hour) // every bucket full again: the next newcomer sweeps them
	f.take("203.0.113.9")
	if len(f.buckets) != 1 {
		t.Errorf("%d buckets after a sweep, want 1", len(f.buckets))
	}
	f.take("2001:db8:1:2::1")
	f.take("2001:db8:1:2:ffff::9")
	if _, ok := f.take("2001:db8:1:2:abcd::5"); ok {
		t.Error("two failures from one /64 did not exhaust its bucket of 2")
	}
	if _, ok := f.take("2001:db8:1:3::1"); !ok {
		t.Error("another /64 was refused")
	}
}
