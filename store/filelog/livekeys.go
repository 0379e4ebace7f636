package filelog

import "hash/maphash"

// liveKeys counts the keys whose last record is not a tombstone, which decides when Open
// compacts. It holds a 64-bit digest of each key rather than the key: at a million keys the
// strings cost some 100 bytes each for the life of the process, and a map holding pointers is
// one the garbage collector walks on every cycle; a map of integers holds none, and inserts
// into it several times faster than into one of wider digests. Two keys sharing a digest (odds
// of about 1 in 30 million at a million keys, the seed random per process) would only make
// the count one short: compaction itself never trusts these digests.
type liveKeys struct {
	seed maphash.Seed
	keys map[uint64]struct{}
}

func newLiveKeys() liveKeys {
	return liveKeys{seed: maphash.MakeSeed(), keys: map[uint64]struct{}{}}
}

// set records key's last record: live, or a tombstone.
func (lk liveKeys) set(key []byte, live bool) {
	if live {
		lk.keys[maphash.Bytes(lk.seed, key)] = struct{}{}
	} else {
		delete(lk.keys, maphash.Bytes(lk.seed, key))
	}
}

func (lk liveKeys) len() int { return len(lk.keys) }
