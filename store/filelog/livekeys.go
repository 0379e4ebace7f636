package filelog

import "hash/maphash"

// liveKeys counts the keys whose last record is not a tombstone, which decides when Open
// compacts. It holds a 64-bit digest of each key rather than the key: at a million keys the
// strings cost some 100 bytes each for the life of the process, and a set holding pointers is
// one the garbage collector walks on every cycle. Two keys sharing a digest (odds of about 1
// in 30 million at a million keys, the seed random per process) would only make the count one
// short: compaction itself never trusts these digests.
//
// The set is a table of its own rather than a Go map: Open adds every key of the log to it,
// one after another, and at a million keys a map spent most of the scan of the log hashing
// its digests again and missing the cache twice per key. The digests are random already, so
// a digest's top bits are its home slot, and a collision moves it to the next free slot
// (linear probing): one cache line per key, and growth, which walks the table in slot order,
// writes the new table in order too.
type liveKeys struct {
	seed  maphash.Seed
	slots []uint64 // the digests, 0 in a free slot; a power of two of them, at most half used
	shift uint     // 64 - log2(len(slots)): a digest's top bits are its home slot
	n     int      // digests held
}

// minLiveSlots is the table a new set starts with.
const minLiveSlots = 16

func newLiveKeys() *liveKeys {
	return &liveKeys{seed: maphash.MakeSeed(), slots: make([]uint64, minLiveSlots), shift: 64 - 4}
}

// set records key's last record: live, or a tombstone.
func (lk *liveKeys) set(key []byte, live bool) {
	d := maphash.Bytes(lk.seed, key)
	if d == 0 { // 0 marks a free slot
		d = 1
	}
	lk.setDigest(d, live)
}

func (lk *liveKeys) len() int { return lk.n }

// setDigest records the last record of the key whose digest, not 0, is d.
func (lk *liveKeys) setDigest(d uint64, live bool) {
	if !live {
		lk.remove(d)
		return
	}
	if 2*(lk.n+1) > len(lk.slots) {
		lk.grow()
	}
	if i, ok := lk.find(d); !ok {
		lk.slots[i] = d
		lk.n++
	}
}

// find returns d's slot, or the free slot where it would go.
func (lk *liveKeys) find(d uint64) (int, bool) {
	mask := len(lk.slots) - 1
	for i := int(d >> lk.shift); ; i = (i + 1) & mask {
		switch lk.slots[i] {
		case d:
			return i, true
		case 0:
			return i, false
		}
	}
}

// grow doubles the table.
func (lk *liveKeys) grow() {
	old := lk.slots
	lk.slots, lk.shift = make([]uint64, 2*len(old)), lk.shift-1
	for _, d := range old {
		if d != 0 {
			i, _ := lk.find(d)
			lk.slots[i] = d
		}
	}
}

// remove takes d out of the set, then moves back the digests after it in its cluster that
// could no longer be found past the free slot (backward-shift deletion: no markers left).
func (lk *liveKeys) remove(d uint64) {
	hole, ok := lk.find(d)
	if !ok {
		return
	}
	mask := len(lk.slots) - 1
	for j := (hole + 1) & mask; lk.slots[j] != 0; j = (j + 1) & mask {
		if home := int(lk.slots[j] >> lk.shift); !cyclicallyIn(home, hole, j) {
			lk.slots[hole] = lk.slots[j]
			hole = j
		}
	}
	lk.slots[hole] = 0
	lk.n--
}

// cyclicallyIn reports whether slot x lies in (from, to], going round the table's end.
func cyclicallyIn(x, from, to int) bool {
	if from < to {
		return from < x && x <= to
	}
	return from < x || x <= to
}
