package jsonsubset

import (
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// PlainString reads, at the scanner's position, a string of printable ASCII without escapes
// and returns its bytes, valid until the scanner moves on (member names, and strings matched
// against constants, need no copy). On false the scanner has not moved, so that the caller
// may read the string with Text instead.
func (s *Scanner) PlainString() ([]byte, bool) {
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return nil, false
	}
	start := s.pos + 1
	for i := start; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == '"':
			s.pos = i + 1
			return s.data[start:i], true
		case c == '\\' || c < ' ' || c >= utf8.RuneSelf:
			return nil, false
		}
	}
	return nil, false
}

// Text reads the string at the scanner's position, undoing its escapes, in one pass and
// (but for unescape's exception) one allocation. Escapes of surrogate pairs are decoded to
// their rune, as encoding/json does; a lone surrogate, which encoding/json replaces with
// U+FFFD, is refused, as are raw control characters, which JSON forbids, and, unless the
// caller checked the input, invalid UTF-8.
func (s *Scanner) Text() (string, bool) {
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return "", false
	}
	start := s.pos + 1
	for i := start; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == '"':
			return s.finish(s.data[start:i], i, string(s.data[start:i]))
		case c == '\\':
			return s.unescape(start, i)
		case c < ' ':
			return "", false
		}
	}
	return "", false
}

// maxWaste is the most of unescape's buffer a string may leave unused and keep.
const maxWaste = 64

// unescape reads on from the first escape, at i, of the string whose text starts at start.
// The text is built in a buffer the size of the rest of the input, which bounds it and which
// the usual string, a schema, nearly fills; a text that fills less than half of it, with
// more than maxWaste bytes left over, is copied to a string of its own rather than hold
// the rest.
func (s *Scanner) unescape(start, i int) (string, bool) {
	out := make([]byte, len(s.data)-start)
	n := copy(out, s.data[start:i])
	for ; i < len(s.data); i++ {
		c := s.data[i]
		if c >= ' ' && c != '"' && c != '\\' {
			out[n] = c
			n++
			continue
		}
		switch c {
		case '"':
			text := out[:n]
			if wasted := len(out) - n; wasted > n && wasted > maxWaste {
				return s.finish(text, i, string(text))
			}
			// out is not written again: the string may share it, as strings.Builder's does.
			return s.finish(text, i, unsafe.String(&out[0], n))
		case '\\':
			r, size, ok := escape(s.data[i+1:])
			if !ok {
				return "", false
			}
			n += utf8.EncodeRune(out[n:], r)
			i += size
		default:
			return "", false
		}
	}
	return "", false
}

// finish moves past the closing quote at end and returns the string text, refusing it unless
// the input was checked or text is valid UTF-8. (Escapes decode to whole runes, so text is
// valid exactly when the input between them is.)
func (s *Scanner) finish(text []byte, end int, str string) (string, bool) {
	if !s.utf8Checked && !utf8.Valid(text) {
		return "", false
	}
	s.pos = end + 1
	return str, true
}

// escape decodes the escape whose backslash precedes b: the rune and the bytes of b read.
func escape(b []byte) (rune, int, bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	switch b[0] {
	case '"', '\\', '/':
		return rune(b[0]), 1, true
	case 'b':
		return '\b', 1, true
	case 'f':
		return '\f', 1, true
	case 'n':
		return '\n', 1, true
	case 'r':
		return '\r', 1, true
	case 't':
		return '\t', 1, true
	case 'u':
		r, size, ok := unicodeEscape(b[1:])
		return r, 1 + size, ok
	}
	return 0, 0, false
}

// unicodeEscape decodes the hex digits after a \u (and, for a surrogate pair, the \uXXXX
// that completes it): the rune and the bytes read.
func unicodeEscape(b []byte) (rune, int, bool) {
	r, ok := hex4(b)
	switch {
	case !ok:
		return 0, 0, false
	case !utf16.IsSurrogate(r):
		return r, 4, true
	case len(b) < 10 || b[4] != '\\' || b[5] != 'u':
		return 0, 0, false
	}
	low, ok := hex4(b[6:])
	pair := utf16.DecodeRune(r, low)
	if !ok || pair == utf8.RuneError {
		return 0, 0, false
	}
	return pair, 10, true
}

// hex4 reads four hex digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
