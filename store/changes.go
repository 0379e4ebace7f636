package store

import (
	"cmp"
	"slices"
)

// Change names a scope of the registry and the offset of the last record that changed it.
// Subject is a qualified subject, "" for the global config and mode, or ":.ctx:" for a
// context's.
type Change struct {
	Subject string
	Offset  int64
}

// ChangedSince returns, in offset order, every scope changed by a record after offset:
// a subject's versions registered, soft- or hard-deleted, or its config or mode set or
// removed. An exporter reads what it must copy this way: it needs no access to the log, and
// compaction, which keeps each key's last record, leaves the answer unchanged.
func (s *Store) ChangedSince(offset int64) []Change {
	s.mu.RLock()
	var out []Change
	for scope, at := range s.st.changed {
		if at > offset {
			out = append(out, Change{Subject: scope, Offset: at})
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.Offset, b.Offset), cmp.Compare(a.Subject, b.Subject))
	})
	return out
}

// Advanced returns a channel that is closed the next time the store applies records,
// whether this instance wrote them or read them from a shared log.
func (s *Store) Advanced() <-chan struct{} {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.advanced
}

// signalAdvanced wakes everyone waiting on [Store.Advanced]. The caller holds mu for writing.
func (s *Store) signalAdvanced() {
	close(s.advanced)
	s.advanced = make(chan struct{})
}
