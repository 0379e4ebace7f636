package store

import (
	"iter"
	"slices"
	"sort"
	"strings"
)

// subjectBlock is the most names a block of a sortedNames holds before it is split in two.
const subjectBlock = 512

// sortedNames is a sorted set of subject names kept in blocks of at most subjectBlock names,
// so that the list endpoints can start a page where it starts instead of sorting every subject
// for it, and adding or removing a subject moves at most subjectBlock names (a single sorted
// slice would move all of them). It costs a string header per subject.
//
// It also knows which subjects are hidden (all their versions soft-deleted) and how many each
// block holds, so that a page of the default listing skips its offset a block at a time.
type sortedNames struct {
	blocks [][]string // each sorted, non-empty; every name of a block sorts before the next block's
	hidden []int      // per block, how many of its names are in isHidden
	// isHidden holds the hidden subjects, few in a registry that hard-deletes what it drops.
	isHidden map[string]bool
}

// block returns the index of the block where name belongs: the first whose last name is at
// least name, or the last block.
func (s *sortedNames) block(name string) int {
	i := sort.Search(len(s.blocks), func(i int) bool { b := s.blocks[i]; return b[len(b)-1] >= name })
	return min(i, len(s.blocks)-1)
}

func (s *sortedNames) add(name string) {
	if len(s.blocks) == 0 {
		s.blocks, s.hidden = [][]string{{name}}, []int{0}
		return
	}
	i := s.block(name)
	b := s.blocks[i]
	at, found := slices.BinarySearch(b, name)
	if found {
		return
	}
	b = slices.Insert(b, at, name)
	if len(b) <= subjectBlock {
		s.blocks[i] = b
		return
	}
	half := len(b) / 2
	s.blocks[i] = slices.Clip(b[:half])
	s.blocks = slices.Insert(s.blocks, i+1, slices.Clone(b[half:]))
	s.hidden = slices.Insert(s.hidden, i+1, 0)
	s.hidden[i], s.hidden[i+1] = s.countHidden(s.blocks[i]), s.countHidden(s.blocks[i+1])
}

func (s *sortedNames) countHidden(names []string) int {
	n := 0
	if len(s.isHidden) > 0 {
		for _, name := range names {
			if s.isHidden[name] {
				n++
			}
		}
	}
	return n
}

// setHidden records whether the subject name, which must be present, is hidden.
func (s *sortedNames) setHidden(name string, hidden bool) {
	if s.isHidden[name] == hidden {
		return
	}
	i, delta := s.block(name), 1
	if hidden {
		if s.isHidden == nil {
			s.isHidden = map[string]bool{}
		}
		s.isHidden[name] = true
	} else {
		delete(s.isHidden, name)
		delta = -1
	}
	s.hidden[i] += delta
}

// visibleFrom yields the names from the block holding the offset-th visible name (counting
// from 0), and returns how many visible names come before that block.
func (s *sortedNames) visibleFrom(offset int) (iter.Seq[string], int) {
	first, skipped := 0, 0
	for first < len(s.blocks) {
		visible := len(s.blocks[first]) - s.hidden[first]
		if skipped+visible > offset {
			break
		}
		skipped += visible
		first++
	}
	return func(yield func(string) bool) {
		for _, b := range s.blocks[first:] {
			for _, name := range b {
				if !yield(name) {
					return
				}
			}
		}
	}, skipped
}

func (s *sortedNames) remove(name string) {
	if len(s.blocks) == 0 {
		return
	}
	i := s.block(name)
	at, found := slices.BinarySearch(s.blocks[i], name)
	if !found {
		return
	}
	if s.isHidden[name] {
		delete(s.isHidden, name)
		s.hidden[i]--
	}
	s.blocks[i] = slices.Delete(s.blocks[i], at, at+1)
	if len(s.blocks[i]) == 0 {
		s.blocks = slices.Delete(s.blocks, i, i+1)
		s.hidden = slices.Delete(s.hidden, i, i+1)
	}
}

// withPrefix yields, in order, the names that begin with prefix: a binary search finds the
// first, and the walk stops after the last.
func (s *sortedNames) withPrefix(prefix string) iter.Seq[string] {
	return func(yield func(string) bool) {
		if len(s.blocks) == 0 {
			return
		}
		i := s.block(prefix)
		at, _ := slices.BinarySearch(s.blocks[i], prefix)
		for ; i < len(s.blocks); i, at = i+1, 0 {
			for _, name := range s.blocks[i][at:] {
				if !strings.HasPrefix(name, prefix) || !yield(name) {
					return
				}
			}
		}
	}
}

// candidates yields, in order, the subjects a subjectPrefix can select: those whose qualified
// name begins with the prefix's qualified form (every subject for a `:*:` prefix). Callers
// still check matchesPrefix.
func (s *sortedNames) candidates(prefix string) iter.Seq[string] {
	if strings.HasPrefix(prefix, wildcardPrefix) {
		return s.withPrefix("")
	}
	return s.withPrefix(parseSubject(prefix).String())
}
