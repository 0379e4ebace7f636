package store

// StateLockFree reports whether the state lock could be taken for writing right now (for
// tests: a long compatibility check must not hold it).
func (s *Store) StateLockFree() bool {
	if !s.mu.TryLock() {
		return false
	}
	s.mu.Unlock()
	return true
}
