package serde

import (
	"sync"
	"sync/atomic"
)

// Memo maps keys to values that are expensive to build and never change, such as a compiled
// codec per schema id. It is made for the per-record path: Load takes no lock and does not
// allocate; Store copies the map, which is cheap because the set of schemas a serializer
// meets is small and stores stop once it is warm. A Memo holds at most its capacity (1,000
// by default); storing beyond it starts over from an empty map, which bounds the memory a
// stream of unknown ids can take while costing a warm serializer nothing.
//
// The zero Memo is ready to use. Format packages use it; most programs do not need it.
type Memo[K comparable, V any] struct {
	Capacity int // 0 means 1,000

	m  atomic.Pointer[map[K]V]
	mu sync.Mutex // serialises Store
}

const defaultMemoCapacity = 1000

// Load returns the value stored for k.
func (m *Memo[K, V]) Load(k K) (V, bool) {
	if p := m.m.Load(); p != nil {
		v, ok := (*p)[k]
		return v, ok
	}
	var zero V
	return zero, false
}

// Store sets the value for k.
func (m *Memo[K, V]) Store(k K, v V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	capacity := m.Capacity
	if capacity <= 0 {
		capacity = defaultMemoCapacity
	}
	next := make(map[K]V)
	if p := m.m.Load(); p != nil && len(*p) < capacity {
		for key, val := range *p {
			next[key] = val
		}
	}
	next[k] = v
	m.m.Store(&next)
}

// Len returns the number of stored values.
func (m *Memo[K, V]) Len() int {
	if p := m.m.Load(); p != nil {
		return len(*p)
	}
	return 0
}
