package filelog

import "hash/maphash"

// liveKeys counts the keys whose last record is not a tombstone, which decides when Open
// compacts. It holds a 64-bit digest of each key rather than the key: at a million keys the
// strings cost some 100 bytes each for the life of the process, and a set holding pointers is
// one the garbage collector walks on every cycle. Two keys sharing a digest (odds of about 1
// in 15 million at a million keys, the seed random per process) would only make the count one
// short: compaction itself never trusts these digests.
//
// The set is a table of its own rather than a Go map: Open adds every key of the log to it,
// and at a million keys a map spent most of the scan of the log hashing its digests again and
// missing the cache twice per key. The digests are random already, so a digest's top bits are
// its home slot, and a collision moves it to the next free slot (linear probing): growth,
// which walks the table in slot order, writes the new table in order too. Open's scan does
// not even touch the table per record: it lists the digests (setLater), and settle adds them
// bucket by bucket of home slots, so that each bucket's part of the table stays in the cache.
type liveKeys struct {
	seed  maphash.Seed
	slots []uint64 // the digests, 0 in a free slot; a power of two of them, at most half used
	shift uint     // 64 - log2(len(slots)): a digest's top bits are its home slot
	n     int      // digests held
	// later lists records to settle, in log order: a digest with its low bit saying live.
	later []uint64
}

// minLiveSlots is the table a new set starts with.
const minLiveSlots = 16

func newLiveKeys() *liveKeys {
	return &liveKeys{seed: maphash.MakeSeed(), slots: make([]uint64, minLiveSlots), shift: 64 - 4}
}

// digest returns key's digest, its low bit set so that it is never 0, which marks a free slot.
func (lk *liveKeys) digest(key []byte) uint64 { return maphash.Bytes(lk.seed, key) | 1 }

// set records key's last record: live, or a tombstone.
func (lk *liveKeys) set(key []byte, live bool) { lk.setDigest(lk.digest(key), live) }

// setLater records key's last record, as set does, when settle is called.
func (lk *liveKeys) setLater(key []byte, live bool) { lk.setDigestLater(lk.digest(key), live) }

func (lk *liveKeys) setDigestLater(d uint64, live bool) {
	if !live {
		d &^= 1
	}
	lk.later = append(lk.later, d)
}

// len returns the number of live keys; records set later are not counted until settled.
func (lk *liveKeys) len() int { return lk.n }

// setDigest records the last record of the key whose digest is d.
func (lk *liveKeys) setDigest(d uint64, live bool) {
	if !live {
		lk.remove(d)
		return
	}
	if 2*(lk.n+1) > len(lk.slots) {
		lk.resize(2 * len(lk.slots))
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

// resize moves the digests to a table of size slots, a power of two at least twice their
// number.
func (lk *liveKeys) resize(size int) {
	old := lk.slots
	lk.slots, lk.shift = make([]uint64, size), 64-log2(size)
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

// settleBucketBits is log2 of the buckets settle sorts records into: at a million keys, each
// bucket's part of the table is 16 KiB.
const settleBucketBits = 10

// settle applies the records set later. The table is first made large enough for all of them
// to be live; they are then applied bucket by bucket of home slots, each bucket in log order,
// which keeps a key's records in order; the table is shrunk again if tombstones left it
// mostly empty.
func (lk *liveKeys) settle() {
	if len(lk.later) == 0 {
		return
	}
	size := len(lk.slots)
	for size < 2*(lk.n+len(lk.later)) {
		size *= 2
	}
	if size != len(lk.slots) {
		lk.resize(size)
	}
	for _, d := range byTopBits(lk.later, min(settleBucketBits, 64-lk.shift)) {
		lk.setDigest(d|1, d&1 != 0)
	}
	lk.later = nil
	for size > minLiveSlots && 8*lk.n < size {
		size /= 2
	}
	if size != len(lk.slots) {
		lk.resize(size)
	}
}

// byTopBits returns a copy of ds sorted by their top bits, stably (a counting sort).
func byTopBits(ds []uint64, bits uint) []uint64 {
	shift := 64 - bits
	starts := make([]int, 1<<bits+1)
	for _, d := range ds {
		starts[d>>shift+1]++
	}
	for i := 1; i < len(starts); i++ {
		starts[i] += starts[i-1]
	}
	sorted := make([]uint64, len(ds))
	for _, d := range ds {
		b := d >> shift
		sorted[starts[b]] = d
		starts[b]++
	}
	return sorted
}

// log2 returns the base-2 logarithm of size, a power of two.
func log2(size int) uint {
	n := uint(0)
	for size > 1 {
		size >>= 1
		n++
	}
	return n
}
