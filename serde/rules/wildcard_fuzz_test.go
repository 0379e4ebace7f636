package rules_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/accord-registry/accord/serde/rules"
)

// confluentRegexp builds the regular expression Confluent's WildcardMatcher builds for a
// pattern of letters, dots, '*' and '?': "**" is ".*", '*' is "[^.]*", '?' is "[^.]", a
// dot is a literal dot, after "**.*" became "**".
func confluentRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^(?:")
	p := strings.ReplaceAll(pattern, "**.*", "**")
	for i := 0; i < len(p); i++ {
		switch {
		case p[i] == '*' && i+1 < len(p) && p[i+1] == '*':
			b.WriteString(".*")
			i++
		case p[i] == '*':
			b.WriteString("[^.]*")
		case p[i] == '?':
			b.WriteString("[^.]")
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	b.WriteString(")$")
	return regexp.MustCompile(b.String())
}

// over maps s onto the alphabet, byte by byte.
func over(s, alphabet string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = alphabet[int(c)%len(alphabet)]
	}
	return string(b)
}

// FuzzMatchPath checks MatchPath against the regular expression Confluent's clients
// build, on names and patterns over a small alphabet where they must agree.
func FuzzMatchPath(f *testing.F) {
	for _, s := range [][2]string{
		{"alice.bob.eve", "a*.bob.e*"}, {"alice.bob.eve", "a**"}, {"eve", "eve*"}, {"a.b", "**.*"},
		{"a..b", "a.*.b"}, {"ab.c", "?b.*"}, {"a.b.c", "*.**.c"}, {"", "**"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, pattern string) {
		name, pattern = over(name, "abc."), over(pattern, "abc.*?")
		if got, want := rules.MatchPath(name, pattern), confluentRegexp(pattern).MatchString(name); got != want {
			t.Errorf("MatchPath(%q, %q) = %v, Confluent's matcher says %v", name, pattern, got, want)
		}
	})
}
