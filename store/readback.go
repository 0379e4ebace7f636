package store

import (
	"fmt"
	"slices"
	"strings"
)

// readOutcome is what the reader did with one offset of a shared log while a group of
// writes waited for its records to come back (checkApplied).
type readOutcome uint8

const (
	readMissing  readOutcome = iota // the reader delivered no record at this offset
	readApplied                     // the state applied the record
	readMarker                      // a key-less record: a transaction marker
	readStale                       // at or below the offset the state had already reached
	readRejected                    // the state refused the record (another write came first)
)

func (o readOutcome) String() string {
	switch o {
	case readApplied:
		return "applied"
	case readMarker:
		return "the log holds a transaction marker there"
	case readStale:
		return "delivered after the reader had passed its offset"
	case readRejected:
		return "the state rejected it"
	}
	return "the reader never delivered it (its transaction aborted, or the reader skipped it)"
}

// noteReadBack records what the reader did with offset while a group waits; s.mu is held.
// The first delivery of an offset decides: a reader that delivers it again (after seeking
// back) finds the state past it, and that stale delivery must not undo the apply.
func (s *Store) noteReadBack(offset int64, o readOutcome) {
	if s.readBack == nil {
		return
	}
	if _, seen := s.readBack[offset]; !seen {
		s.readBack[offset] = o
	}
}

// describeReadBack lists, for the log, the offsets the reader delivered while the group
// waited and what it did with each; s.mu is held.
func (s *Store) describeReadBack() string {
	offsets := make([]int64, 0, len(s.readBack))
	for o := range s.readBack {
		offsets = append(offsets, o)
	}
	slices.Sort(offsets)
	var b strings.Builder
	for i, o := range offsets {
		if i == 32 {
			fmt.Fprintf(&b, " …%d more", len(offsets)-i)
			break
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d:%s", o, s.readBack[o].short())
	}
	return b.String()
}

// short names the outcome in one word, for the log.
func (o readOutcome) short() string {
	switch o {
	case readApplied:
		return "applied"
	case readMarker:
		return "marker"
	case readStale:
		return "stale"
	case readRejected:
		return "rejected"
	}
	return "missing"
}
