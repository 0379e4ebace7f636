package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestSortedNamesMatchesSort adds and removes names in random order, splitting and emptying
// blocks, and checks after each step that the blocks hold exactly the set, sorted, and that
// withPrefix yields exactly the members with the prefix.
func TestSortedNamesMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var s sortedNames
	want := map[string]bool{} // name → hidden
	for step := range 6000 {
		name := fmt.Sprintf("s-%d", r.IntN(3000))
		switch r.IntN(4) {
		case 0:
			s.remove(name)
			delete(want, name)
		case 1:
			if _, ok := want[name]; ok {
				hidden := r.IntN(2) == 0
				s.setHidden(name, hidden)
				want[name] = hidden
			}
		default:
			if _, ok := want[name]; !ok {
				s.add(name)
				want[name] = false
			}
		}
		if step%500 != 0 {
			continue
		}
		got := slices.Collect(s.withPrefix(""))
		if exp := sortedKeys(want); !slices.Equal(got, exp) {
			t.Fatalf("step %d: %d names, want %d", step, len(got), len(exp))
		}
		for _, b := range s.blocks {
			if len(b) == 0 || len(b) > subjectBlock {
				t.Fatalf("step %d: a block of %d names", step, len(b))
			}
		}
		checkVisibleFrom(t, &s, want)
		for _, p := range []string{"s-1", "s-29", "s-", "t", "s-2999"} {
			var exp []string
			for name := range want {
				if strings.HasPrefix(name, p) {
					exp = append(exp, name)
				}
			}
			sort.Strings(exp)
			if got := slices.Collect(s.withPrefix(p)); !slices.Equal(got, exp) {
				t.Fatalf("step %d: prefix %q gives %v, want %v", step, p, got, exp)
			}
		}
	}
}

// checkVisibleFrom checks that, for every offset, visibleFrom starts at or before the
// offset-th visible name and says exactly how many visible names it skipped.
func checkVisibleFrom(t *testing.T, s *sortedNames, hidden map[string]bool) {
	t.Helper()
	var visible []string
	for _, name := range sortedKeys(hidden) {
		if !hidden[name] {
			visible = append(visible, name)
		}
	}
	for offset := 0; offset <= len(visible); offset += 37 {
		seq, skipped := s.visibleFrom(offset)
		var got []string
		for name := range seq {
			if !hidden[name] {
				got = append(got, name)
			}
		}
		if skipped > offset || !slices.Equal(got, visible[skipped:]) {
			t.Fatalf("visibleFrom(%d) skipped %d and then yields %d visible names, want %d", offset, skipped, len(got), len(visible)-skipped)
		}
	}
}
