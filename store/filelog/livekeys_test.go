package filelog

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/accord-registry/accord/store"
)

// TestLiveKeysAgreesWithAMap: any sequence of records leaves the set holding exactly the
// digests whose last record was live. The digests are drawn from few home slots, so that
// clusters grow long, wrap around the end of the table and are cut by deletions.
func TestLiveKeysAgreesWithAMap(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, seed))
		lk := newLiveKeys()
		want := map[uint64]bool{}
		for op := range 5000 {
			d := rng.Uint64N(64)<<58 | rng.Uint64N(1<<4)<<1 | 1 // few distinct homes, often the last ones
			live := rng.IntN(3) > 0
			lk.setDigest(d, live)
			if live {
				want[d] = true
			} else {
				delete(want, d)
			}
			if op%97 == 0 || op == 4999 {
				checkLiveKeys(t, lk, want)
			}
		}
	}
}

// TestLiveKeysSettled: records set later, as Open's scan sets them, and settled at once
// leave the set as the same records set one by one would, in a set empty or not.
func TestLiveKeysSettled(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, seed))
		lk := newLiveKeys()
		want := map[uint64]bool{}
		for round := range 6 {
			for range rng.IntN(3000) {
				d := rng.Uint64N(64)<<58 | rng.Uint64N(1<<4)<<1 | 1 // digests have their low bit set
				live := rng.IntN(3) > 0
				if round%2 == 0 {
					lk.setDigestLater(d, live)
				} else {
					lk.setDigest(d, live)
				}
				if live {
					want[d] = true
				} else {
					delete(want, d)
				}
			}
			lk.settle()
			checkLiveKeys(t, lk, want)
		}
	}
}

// TestLiveKeysOfKeys: keys are counted by their last record, across growth.
func TestLiveKeysOfKeys(t *testing.T) {
	lk := newLiveKeys()
	for i := range 10_000 {
		lk.setLater(fmt.Appendf(nil, "key-%d", i), true)
	}
	lk.settle()
	for i := range 10_000 {
		lk.set(fmt.Appendf(nil, "key-%d", i), i%4 != 0)
	}
	lk.set([]byte("key-1"), true) // again
	lk.set([]byte("never-set"), false)
	if lk.len() != 7_500 {
		t.Fatalf("len = %d, want 7500", lk.len())
	}
}

func checkLiveKeys(t *testing.T, lk *liveKeys, want map[uint64]bool) {
	t.Helper()
	if lk.len() != len(want) {
		t.Fatalf("len = %d, want %d", lk.len(), len(want))
	}
	for d := range want {
		if _, ok := lk.find(d); !ok {
			t.Fatalf("digest %#x missing", d)
		}
	}
	held := 0
	for _, d := range lk.slots {
		if d != 0 {
			held++
			if !want[d] {
				t.Fatalf("digest %#x held, not live", d)
			}
		}
	}
	if held != len(want) || 2*held > len(lk.slots) {
		t.Fatalf("%d digests held in %d slots, want %d at most half full", held, len(lk.slots), len(want))
	}
}

// BenchmarkLiveKeys measures counting a million distinct keys, as Open's scan does for a log
// of a million schemas:
//
//	go test -run '^$' -bench LiveKeys ./store/filelog
func BenchmarkLiveKeys(b *testing.B) {
	keys := make([][]byte, 1_000_000)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, `{"keytype":"SCHEMA","subject":"scale-%06d-value","version":%d,"magic":1}`, i%100_000, i/100_000+1)
	}
	for b.Loop() {
		lk := newLiveKeys()
		for _, k := range keys {
			lk.setLater(k, true)
		}
		lk.settle()
		if lk.len() != len(keys) {
			b.Fatal(lk.len())
		}
	}
}

// TestCompactionIgnoresTheLiveCount: the live count only decides when Open compacts; a count
// that is wrong (two keys sharing a 64-bit digest make it short) must not make compaction
// drop a live record, since compaction finds each key's last record by a digest of its own.
func TestCompactionIgnoresTheLiveCount(t *testing.T) {
	l := mustOpen(t, t.TempDir(), testConfig(t))
	var all []store.Record
	for i := range 40 {
		r := rec(fmt.Sprintf("key-%d", i%13), fmt.Sprintf("v%d", i))
		if i%5 == 0 {
			r.Value = nil
		}
		all = append(all, r)
	}
	mustAppend(t, l, all...)
	l.mu.Lock()
	l.live = newLiveKeys() // as if every key's digest collided away: no key live
	l.mu.Unlock()
	if _, err := l.Compact(); err != nil {
		t.Fatal(err)
	}
	checkRecords(t, readAll(t, l, 0), liveOf(all))
}
