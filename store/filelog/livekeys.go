package filelog

import "hash/maphash"

// liveKeys counts the keys whose last record is not a tombstone, which decides when Open
// compacts. It holds a 128-bit digest of each key rather than the key: at a million keys the
// strings cost some 100 bytes each for the life of the process, and a map holding pointers is
// one the garbage collector must walk on every cycle; a map of digests holds none. Two keys
// sharing a digest would only make the count one short (compaction itself never trusts these
// digests), and the seeds are random per process.
type liveKeys struct {
	seeds [2]maphash.Seed
	keys  map[[2]uint64]struct{}
}

func newLiveKeys() liveKeys {
	return liveKeys{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, keys: map[[2]uint64]struct{}{}}
}

func (lk liveKeys) digest(key []byte) [2]uint64 {
	return [2]uint64{maphash.Bytes(lk.seeds[0], key), maphash.Bytes(lk.seeds[1], key)}
}

// set records key's last record: live, or a tombstone.
func (lk liveKeys) set(key []byte, live bool) {
	if live {
		lk.keys[lk.digest(key)] = struct{}{}
	} else {
		delete(lk.keys, lk.digest(key))
	}
}

func (lk liveKeys) len() int { return len(lk.keys) }
