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
type sortedNames struct {
	blocks [][]string // each sorted, non-empty; every name of a block sorts before the next block's
}

// block returns the index of the block where name belongs: the first whose last name is at
// least name, or the last block.
func (s *sortedNames) block(name string) int {
	i := sort.Search(len(s.blocks), func(i int) bool { b := s.blocks[i]; return b[len(b)-1] >= name })
	return min(i, len(s.blocks)-1)
}

func (s *sortedNames) add(name string) {
	if len(s.blocks) == 0 {
		s.blocks = [][]string{{name}}
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
	s.blocks[i] = slices.Delete(s.blocks[i], at, at+1)
	if len(s.blocks[i]) == 0 {
		s.blocks = slices.Delete(s.blocks, i, i+1)
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
