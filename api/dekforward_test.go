package api

import (
	"context"
	"testing"
)

// TestDekWritesForwarded: a follower sends the DEK Registry's writes to the leader, whose
// answer it relays, and serves reads from its own replica.
func TestDekWritesForwarded(t *testing.T) {
	leaderKeys, followerKeys := openTestStore(t), openTestStore(t)
	leadership := &fakeLeadership{}
	leader := serveHTTP(t, New(Config{Store: openTestStore(t), Keys: leaderKeys, Logger: testLogger(t)}))
	leadership.set(leader.URL, false)
	follower := serveHTTP(t, New(Config{Store: openTestStore(t), Keys: followerKeys, Logger: testLogger(t), Leadership: leadership}))

	got, _ := do(t, "POST", follower.URL+"/dek-registry/v1/keks", `{"name":"k","kmsType":"local-kms","kmsKeyId":"id"}`, nil)
	if got.Status != 200 {
		t.Fatalf("create through the follower: %+v", got)
	}
	if _, err := leaderKeys.Kek(context.Background(), "k", false); err != nil {
		t.Fatalf("the leader has no KEK: %v", err)
	}
	if _, err := followerKeys.Kek(context.Background(), "k", false); err == nil {
		t.Fatal("the follower wrote the KEK itself")
	}
	if got, _ := do(t, "GET", follower.URL+"/dek-registry/v1/keks/k", "", nil); got.Status != 404 {
		t.Fatalf("read on the follower = %+v; its replica (a separate store here) has no KEK", got)
	}
	if got, _ := do(t, "POST", follower.URL+"/dek-registry/v1/keks/k/test", "", nil); got.Status != 404 {
		t.Fatalf("a KEK test is served by the follower itself: %+v", got)
	}
}
