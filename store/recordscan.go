package store

import (
	"strings"
	"unicode/utf8"
)

// flatScanner reads the JSON shapes registries write into `_schemas` keys and SCHEMA values
// without reflection: replaying a million records through encoding/json spent most of a
// startup validating, matching field names and allocating. It accepts only a subset of JSON
// it can decode exactly as encoding/json would into the same struct (exact member names, each
// at most once; strings whose escapes are not surrogates; integers that fit; null, booleans),
// and reports anything else, valid or not, as not scanned, so that the caller decodes it with
// encoding/json and odd input behaves as it always did.
type flatScanner struct {
	data []byte
	pos  int
}

// ws skips JSON whitespace.
func (s *flatScanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// consume skips whitespace and then c, reporting whether c was there.
func (s *flatScanner) consume(c byte) bool {
	s.ws()
	if s.pos < len(s.data) && s.data[s.pos] == c {
		s.pos++
		return true
	}
	return false
}

// object reads one object, calling member with each member's name (the scanner then at its
// value, which member must read); it stops when member returns false. Only whitespace may
// follow the object.
func (s *flatScanner) object(member func(name []byte) bool) bool {
	if !s.consume('{') {
		return false
	}
	if s.consume('}') {
		return s.end()
	}
	for {
		s.ws()
		name, ok := s.plainString()
		if !ok || !s.consume(':') {
			return false
		}
		s.ws()
		if !member(name) {
			return false
		}
		if s.consume('}') {
			return s.end()
		}
		if !s.consume(',') {
			return false
		}
	}
}

// end reports whether only whitespace is left.
func (s *flatScanner) end() bool {
	s.ws()
	return s.pos == len(s.data)
}

// null reads a null when one is next.
func (s *flatScanner) null() bool {
	if len(s.data)-s.pos >= 4 && string(s.data[s.pos:s.pos+4]) == "null" {
		s.pos += 4
		return true
	}
	return false
}

// boolean reads true or false.
func (s *flatScanner) boolean() (value, ok bool) {
	rest := s.data[s.pos:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		s.pos += 4
		return true, true
	case len(rest) >= 5 && string(rest[:5]) == "false":
		s.pos += 5
		return false, true
	}
	return false, false
}

// maxScannedDigits keeps scanned integers far from int64's limits; longer numbers go to
// encoding/json, which reports their overflow.
const maxScannedDigits = 18

// integer reads an integer without fraction or exponent.
func (s *flatScanner) integer() (int, bool) {
	neg := s.pos < len(s.data) && s.data[s.pos] == '-'
	if neg {
		s.pos++
	}
	start, n := s.pos, 0
	for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
		n = n*10 + int(s.data[s.pos]-'0')
		s.pos++
	}
	digits := s.pos - start
	if digits == 0 || digits > maxScannedDigits || (digits > 1 && s.data[start] == '0') {
		return 0, false
	}
	if s.pos < len(s.data) {
		switch s.data[s.pos] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	if neg {
		n = -n
	}
	return n, true
}

// plainString reads a string holding no escape and no control character, returning its
// bytes (valid until the scanner moves on; member names, and strings matched against
// constants, need no copy).
func (s *flatScanner) plainString() ([]byte, bool) {
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return nil, false
	}
	start := s.pos + 1
	for i := start; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == '"':
			s.pos = i + 1
			return s.data[start:i], true
		case !plainByte(c):
			return nil, false
		}
	}
	return nil, false
}

// plainByte reports whether c stands for itself inside a JSON string and is ASCII.
func plainByte(c byte) bool { return c != '"' && c != '\\' && c >= 0x20 && c < utf8.RuneSelf }

// str reads a string, undoing its escapes. A string with escapes is built in one allocation
// sized to the rest of the input, which a SCHEMA value's text nearly fills.
func (s *flatScanner) str() (string, bool) {
	if b, ok := s.plainString(); ok {
		return string(b), true
	}
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(s.data) - s.pos)
	s.pos++
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			return b.String(), true
		case c == '\\':
			if !s.escape(&b) {
				return "", false
			}
		case c < 0x20:
			return "", false
		case c < utf8.RuneSelf:
			run := s.pos + 1
			for run < len(s.data) && plainByte(s.data[run]) {
				run++
			}
			b.Write(s.data[s.pos:run])
			s.pos = run
		default:
			r, size := utf8.DecodeRune(s.data[s.pos:])
			if r == utf8.RuneError && size == 1 {
				return "", false // encoding/json would replace it
			}
			b.Write(s.data[s.pos : s.pos+size])
			s.pos += size
		}
	}
	return "", false
}

// escape undoes the escape at s.pos into b. Surrogates are left to encoding/json.
func (s *flatScanner) escape(b *strings.Builder) bool {
	if s.pos+1 >= len(s.data) {
		return false
	}
	c := s.data[s.pos+1]
	s.pos += 2
	switch c {
	case '"', '\\', '/':
		b.WriteByte(c)
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		r, ok := s.hex4()
		if !ok || utf8.RuneLen(r) < 0 {
			return false
		}
		b.WriteRune(r)
	default:
		return false
	}
	return true
}

// hex4 reads the four hex digits of a \u escape.
func (s *flatScanner) hex4() (rune, bool) {
	if len(s.data)-s.pos < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s.data[s.pos : s.pos+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	s.pos += 4
	return r, true
}
