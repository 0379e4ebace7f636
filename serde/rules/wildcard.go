package rules

import (
	"math/bits"
	"strings"
	"unicode/utf8"
)

// MatchPath says whether the dotted field path name (e.g. "com.acme.Order.customer.email")
// matches pattern, a key of a schema's metadata.tags, with the wildcards of Confluent's
// WildcardMatcher: '?' is one character other than '.', '*' any run of characters without
// a '.', '**' any run of characters including dots, and "**.*" means the same as "**". The
// whole name must match. Confluent documents '*' and '**' as one or more characters, but
// its matchers (a regular expression built from the pattern) accept none: "eve*" matches
// "eve"; this follows the code. A '\' matches a backslash and makes the next character
// literal, as in Confluent's Python client; every other character matches itself
// (Confluent passes a few, such as '[', to its regular expression unescaped; field names
// cannot hold them).
//
// Its time stays linear in the name whatever the pattern, and it allocates nothing for
// patterns under 128 bytes.
func MatchPath(name, pattern string) bool {
	p := strings.ReplaceAll(pattern, "**.*", "**")
	if !strings.ContainsAny(p, `*?\`) {
		return name == p
	}
	budget := 16 * (len(name) + len(p))
	if matched, done := backtrack(name, p, &budget); done {
		return matched
	}
	return matchStates(name, p)
}

// backtrack matches the usual way, trying each length for a star, which is fast for the
// patterns people write; done is false when it gave up after budget steps, which takes a
// pattern of many stars (its time grows exponentially with them).
func backtrack(s, p string, budget *int) (matched, done bool) {
	for len(p) > 0 {
		if *budget--; *budget < 0 {
			return false, false
		}
		if c := p[0]; c < utf8.RuneSelf && c != '*' && c != '?' && c != '\\' { // the usual case
			if len(s) == 0 || s[0] != c {
				return false, true
			}
			s, p = s[1:], p[1:]
			continue
		}
		kind, r, after := token(p, 0)
		switch {
		case kind == segmentRun || kind == anyRun:
			return backtrackRun(s, p[after>>1:], kind == segmentRun, budget)
		case len(s) == 0:
			return false, true
		case after&1 == 1: // a backslash, matching itself, then an escaped character
			if s[0] != '\\' || len(s) < 2 {
				return false, true
			}
			c, size := utf8.DecodeRuneInString(s[1:])
			e, esize := utf8.DecodeRuneInString(p[1:])
			if c != e {
				return false, true
			}
			s, p = s[1+size:], p[1+esize:]
			continue
		}
		c, size := utf8.DecodeRuneInString(s)
		if (kind == oneChar && c == '.') || (kind == literal && c != r) {
			return false, true
		}
		s, p = s[size:], p[after>>1:]
	}
	return len(s) == 0, true
}

// backtrackRun matches a star (within a segment or not) followed by rest: the star takes
// s[:i] for each i it may, jumping to the places where a literal that follows can match.
func backtrackRun(s, rest string, inSegment bool, budget *int) (matched, done bool) {
	limit := len(s)
	if d := strings.IndexByte(s, '.'); inSegment && d >= 0 {
		limit = d
	}
	var first byte
	if len(rest) > 0 && !strings.ContainsRune(`*?\`, rune(rest[0])) {
		first = rest[0]
	}
	for i := 0; i <= limit; i++ {
		if first != 0 {
			j := strings.IndexByte(s[i:], first)
			if j < 0 || i+j > limit {
				return false, true
			}
			i += j
		}
		if m, d := backtrack(s[i:], rest, budget); m || !d {
			return m, d
		}
	}
	return false, true
}

// matchStates runs the pattern as a set of states over the name: its time is linear in
// the name whatever the pattern, and it allocates nothing for patterns under 128 bytes.
func matchStates(name, p string) bool {
	var buf [2][4]uint64
	words := (2*len(p) + 2 + 63) / 64
	cur, next := buf[0][:min(words, 4)], buf[1][:min(words, 4)]
	if words > 4 {
		cur, next = make([]uint64, words), make([]uint64, words)
	}
	set(cur, 0)
	closeStars(p, cur)
	for _, c := range name {
		clear(next)
		for w, word := range cur {
			for ; word != 0; word &= word - 1 {
				step(p, w*64+bits.TrailingZeros64(word), c, next)
			}
		}
		closeStars(p, next)
		cur, next = next, cur
	}
	return has(cur, 2*len(p))
}

// A state is 2k for "the pattern from byte k on is left to match", and 2k+1 for the same
// with the character at k escaped by a backslash.

type tokenKind uint8

const (
	literal tokenKind = iota
	oneChar
	segmentRun // '*'
	anyRun     // '**'
)

// token is the token starting at state s: its kind, the rune a literal matches, and the
// state after it.
func token(p string, s int) (tokenKind, rune, int) {
	k := s >> 1
	c, size := utf8.DecodeRuneInString(p[k:])
	if s&1 == 1 {
		return literal, c, (k + size) << 1
	}
	switch c {
	case '*':
		if k+1 < len(p) && p[k+1] == '*' {
			return anyRun, 0, (k + 2) << 1
		}
		return segmentRun, 0, (k + 1) << 1
	case '?':
		return oneChar, 0, (k + 1) << 1
	case '\\':
		if k+1 < len(p) {
			return literal, '\\', (k+1)<<1 | 1
		}
	}
	return literal, c, (k + size) << 1
}

// step adds to next the states that state s reaches on reading c.
func step(p string, s int, c rune, next []uint64) {
	if s>>1 >= len(p) {
		return // the end of the pattern reads nothing
	}
	kind, r, after := token(p, s)
	switch {
	case kind == literal && c == r, kind == oneChar && c != '.':
		set(next, after)
	case kind == segmentRun && c != '.', kind == anyRun:
		set(next, s)
	}
}

// closeStars adds the states reached by letting a star match nothing. Those states lie
// after the star, so one pass in order reaches the end of a run of stars.
func closeStars(p string, states []uint64) {
	for w := range states {
		for word := states[w]; word != 0; word &= word - 1 {
			s := w*64 + bits.TrailingZeros64(word)
			if s>>1 >= len(p) {
				continue
			}
			if kind, _, after := token(p, s); kind == segmentRun || kind == anyRun {
				set(states, after)
				if after/64 == w {
					word |= 1 << (after % 64) // a later bit of this word: visited in this pass
				}
			}
		}
	}
}

func set(b []uint64, i int)      { b[i/64] |= 1 << (i % 64) }
func has(b []uint64, i int) bool { return b[i/64]&(1<<(i%64)) != 0 }
