package jsonsubset

import (
	"encoding/binary"
	"math/bits"
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
// the usual string, a schema, nearly fills (sizing it to the string would take a pass of its
// own to find the string's end); a text that fills less than half of it, with more than
// maxWaste bytes left over, is copied to a string of its own rather than hold the rest.
//
// It reads eight bytes at a time while they hold no escape but \" (a schema's text, JSON in
// JSON, escapes a quote every few bytes) and neither end the string nor hold a control
// character: such a word is copied without its backslashes. Anything else is read a byte, or
// an escape, at a time.
func (s *Scanner) unescape(start, i int) (string, bool) {
	data := s.data
	out := make([]byte, len(data)-start)
	n := copy(out, data[start:i])
	for i < len(data) {
		if i+8 <= len(data) {
			// The text is never longer than the input it came from, so out has room for
			// the eight bytes copyWord writes: n+8 <= i-start+8 <= len(out).
			if m, ok := copyWord(out[n:n+8], binary.LittleEndian.Uint64(data[i:])); ok {
				i, n = i+8, n+m
				continue
			}
		}
		switch c := data[i]; {
		case c == '"':
			return s.finishEscaped(out, n, i)
		case c == '\\':
			r, size, ok := escape(data[i+1:])
			if !ok {
				return "", false
			}
			n += utf8.EncodeRune(out[n:], r)
			i += 1 + size
		case c < ' ':
			return "", false
		default:
			out[n] = c
			i, n = i+1, n+1
		}
	}
	return "", false
}

// finishEscaped returns the first n bytes of out as the text of the string whose closing
// quote is at end: in out itself, unless that would waste most of it.
func (s *Scanner) finishEscaped(out []byte, n, end int) (string, bool) {
	text := out[:n]
	if wasted := len(out) - n; wasted > n && wasted > maxWaste {
		return s.finish(text, end, string(text))
	}
	// out is not written again: the string may share it, as strings.Builder's does.
	return s.finish(text, end, unsafe.String(&out[0], n))
}

// Words of eight bytes, for the byte masks below.
const (
	eachByte  = 0x0101010101010101
	highBits  = 0x8080808080808080
	lowSeven  = 0x7f7f7f7f7f7f7f7f
	lastByte  = 0xff << 56
	quotes    = eachByte * '"'
	backslash = eachByte * '\\'
	spaces    = eachByte * ' '
)

// copyWord copies the eight input bytes x (the first in the low bits) to dst, eight bytes long, without their
// backslashes, when every backslash in x escapes a quote that follows it in x, and x holds no
// other quote and no control character; it returns the bytes of text written (the rest of
// dst is garbage), or false and nothing written otherwise.
func copyWord(dst []byte, x uint64) (int, bool) {
	b := zeroBytes(x ^ backslash)
	escapedQuotes := b << 8
	q := zeroBytes(x ^ quotes)
	if b&lastByte != 0 || q != escapedQuotes || (x-spaces)&^x&highBits != 0 {
		return 0, false
	}
	// The text is gathered in a word, run by run between backslashes, and stored once.
	var text uint64
	n, from := 0, 0
	for ; b != 0; b &= b - 1 {
		k := bits.TrailingZeros64(b) >> 3                      // a backslash; k < 7
		run := x >> (8 * from & 63) & (1<<(8*(k-from)&63) - 1) // & 63: no shift is 64 or more
		text |= run << (8 * n & 63)
		n += k - from
		from = k + 1
	}
	text |= x >> (8 * from & 63) << (8 * n & 63) // n < from unless from is 0
	binary.LittleEndian.PutUint64(dst, text)
	return n + 8 - from, true
}

// zeroBytes returns the high bit of each byte of x that is zero, exactly (unlike the shorter
// test for whether any is).
func zeroBytes(x uint64) uint64 {
	return ^((x&lowSeven + lowSeven) | x) & highBits
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
