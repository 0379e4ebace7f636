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
	want := map[string]bool{}
	for step := range 6000 {
		name := fmt.Sprintf("s-%d", r.IntN(3000))
		if r.IntN(3) == 0 {
			s.remove(name)
			delete(want, name)
		} else {
			s.add(name)
			want[name] = true
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
