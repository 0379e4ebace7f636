package rules

import (
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
// literal; every other character matches itself (Confluent passes a few, such as '[', to
// its regular expression unescaped; field names cannot hold them).
func MatchPath(name, pattern string) bool {
	return matchFrom(name, strings.ReplaceAll(pattern, "**.*", "**"))
}

func matchFrom(s, p string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			if len(p) > 1 && p[1] == '*' {
				return matchAnyRun(s, p[2:], false)
			}
			return matchAnyRun(s, p[1:], true)
		case '?':
			if len(s) == 0 || s[0] == '.' {
				return false
			}
			_, n := utf8.DecodeRuneInString(s)
			s, p = s[n:], p[1:]
		case '\\':
			if len(s) == 0 || s[0] != '\\' {
				return false
			}
			s, p = s[1:], p[1:]
			if len(p) > 0 {
				if len(s) == 0 || s[0] != p[0] {
					return false
				}
				s, p = s[1:], p[1:]
			}
		default:
			if len(s) == 0 || s[0] != p[0] {
				return false
			}
			s, p = s[1:], p[1:]
		}
	}
	return len(s) == 0
}

// matchAnyRun matches a star: some prefix of s (without a '.' when inSegment) and then rest.
func matchAnyRun(s, rest string, inSegment bool) bool {
	for i := 0; ; i++ {
		if matchFrom(s[i:], rest) {
			return true
		}
		if i == len(s) || (inSegment && s[i] == '.') {
			return false
		}
	}
}
