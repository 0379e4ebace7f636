package protobuf

import (
	"slices"
	"unicode/utf16"
)

// Java collection orders that Confluent's Protobuf diff exposes in its change order.

// pbJavaStringHash is Java's String.hashCode (over UTF-16 code units).
func pbJavaStringHash(s string) int32 {
	var h int32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(u)
	}
	return h
}

// pbJavaHashOrder returns keys (distinct, in insertion order) in the iteration order of a
// java.util.HashSet filled with them: the first n came from a collection (the
// HashSet(Collection) constructor sizes the table for them), the rest were added later.
// Buckets are visited in index order and a bucket keeps insertion order (resizing splits
// buckets without reordering); tree bins, which need 8 colliding keys, are not modelled.
func pbJavaHashOrder[K comparable](keys []K, n int, hash func(K) int32) []K {
	keys = pbDedupe(keys)
	capacity := 16
	if n > 0 {
		capacity = pbTableSizeFor(max(int(float32(n)/0.75)+1, 16))
	}
	for float64(len(keys)) > 0.75*float64(capacity) {
		capacity *= 2
	}
	bucket := func(k K) int {
		h := uint32(hash(k))
		return int((h ^ h>>16) & uint32(capacity-1))
	}
	out := slices.Clone(keys)
	slices.SortStableFunc(out, func(a, b K) int { return bucket(a) - bucket(b) })
	return out
}

func pbTableSizeFor(c int) int {
	n := 1
	for n < c {
		n *= 2
	}
	return n
}

// pbJavaCompare is Java's String.compareTo (UTF-16 code unit order).
func pbJavaCompare(a, b string) int {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return int(ua[i]) - int(ub[i])
		}
	}
	return len(ua) - len(ub)
}
