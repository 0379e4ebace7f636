package jsonsubset

import (
	"bytes"
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

// Text reads the string at the scanner's position, undoing its escapes, in one allocation
// the size of its raw text. Escapes of surrogate pairs are decoded to their rune, as
// encoding/json does; a lone surrogate, which encoding/json replaces with U+FFFD, is refused.
func (s *Scanner) Text() (string, bool) {
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return "", false
	}
	start := s.pos + 1
	end, ok := closingQuote(s.data, start)
	if !ok {
		return "", false
	}
	text, ok := unescape(s.data[start:end], s.utf8Checked)
	if ok {
		s.pos = end + 1
	}
	return text, ok
}

// closingQuote finds the quote that ends the string whose text starts at start: the first
// one not escaped, that is not preceded by an odd run of backslashes. Schema texts quote
// every name, so the quotes are found by IndexByte rather than byte by byte.
func closingQuote(data []byte, start int) (int, bool) {
	for i := start; ; {
		q := bytes.IndexByte(data[i:], '"')
		if q < 0 {
			return 0, false
		}
		q += i
		backslashes := 0
		for j := q - 1; j >= start && data[j] == '\\'; j-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return q, true
		}
		i = q + 1
	}
}

// unescape decodes a string's raw bytes (between its quotes) in one pass, refusing raw
// control characters, which JSON forbids, and, unless utf8Checked, invalid UTF-8.
func unescape(raw []byte, utf8Checked bool) (string, bool) {
	out := make([]byte, len(raw)) // unescaping never lengthens: \uXXXX is 6 bytes for at most 3
	n := 0
	for i := 0; i < len(raw); {
		switch c := raw[i]; {
		case c >= ' ' && c != '\\' && c < utf8.RuneSelf:
			out[n] = c
			n++
			i++
		case c == '\\':
			r, size, ok := escape(raw[i+1:])
			if !ok {
				return "", false
			}
			n += utf8.EncodeRune(out[n:], r)
			i += 1 + size
		case c < ' ':
			return "", false
		case utf8Checked:
			out[n] = c
			n++
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				return "", false
			}
			n += copy(out[n:], raw[i:i+size])
			i += size
		}
	}
	if n == 0 {
		return "", true
	}
	// out is not written again: the string may share it, as strings.Builder's does.
	return unsafe.String(&out[0], n), true
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
