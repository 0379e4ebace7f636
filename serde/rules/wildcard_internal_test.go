package rules

import (
	"strings"
	"testing"
)

// FuzzMatchers checks that MatchPath's two matchers, backtracking and the state set it
// falls back on, agree, over names and patterns of a small alphabet with escapes.
func FuzzMatchers(f *testing.F) {
	for _, s := range [][2]string{
		{"alice.bob.eve", "a*.bob.e*"}, {"a.b", "**"}, {`a\b`, `a\b`}, {`a\*`, `a\*`}, {"ab", "a?"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, pattern string) {
		// short, so that unbounded backtracking stays quick
		name, pattern = onto(name[:min(len(name), 16)], `ab.\*`), onto(pattern[:min(len(pattern), 12)], `ab.*?\`)
		p := strings.ReplaceAll(pattern, "**.*", "**")
		budget := 1 << 30
		want, _ := backtrack(name, p, &budget)
		if got := matchStates(name, p); got != want {
			t.Errorf("name %q pattern %q: states %v, backtracking %v", name, p, got, want)
		}
	})
}

func onto(s, alphabet string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = alphabet[int(c)%len(alphabet)]
	}
	return string(b)
}
