package jsonsubset

// Scanner reads JSON tokens from its input, from a position on. Its methods report false,
// leaving the caller to fall back on encoding/json, for anything outside the subset; the
// methods that read one value (Null, Bool, Int, PlainString, Text) then leave the scanner
// where it was, so that the caller may try another.
type Scanner struct {
	data []byte
	pos  int
	// utf8Checked: the caller has checked that data is valid UTF-8, so strings need no
	// second check.
	utf8Checked bool
}

// New returns a Scanner of data that refuses strings holding invalid UTF-8 (which
// encoding/json would replace with U+FFFD).
func New(data []byte) Scanner { return Scanner{data: data} }

// NewValidUTF8 returns a Scanner of data the caller has already checked to be valid UTF-8
// (with utf8.Valid, say): its strings are copied without a second check.
func NewValidUTF8(data []byte) Scanner { return Scanner{data: data, utf8Checked: true} }

// SkipSpace skips JSON's four whitespace characters (not bytes.TrimSpace's wider set).
func (s *Scanner) SkipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// Consume skips whitespace and then c, reporting whether c was there.
func (s *Scanner) Consume(c byte) bool {
	s.SkipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == c {
		s.pos++
		return true
	}
	return false
}

// AtEnd reports whether only whitespace is left.
func (s *Scanner) AtEnd() bool {
	s.SkipSpace()
	return s.pos == len(s.data)
}

// Object reads the input as one object, calling member with each member's name (a plain
// string, valid until the scanner moves on) with the scanner at the member's value, past its
// whitespace; member reads the value, or returns false to stop. Only whitespace may follow
// the object.
func (s *Scanner) Object(member func(name []byte) bool) bool {
	if !s.Consume('{') {
		return false
	}
	if s.Consume('}') {
		return s.AtEnd()
	}
	for {
		s.SkipSpace()
		name, ok := s.PlainString()
		if !ok || !s.Consume(':') {
			return false
		}
		s.SkipSpace()
		if !member(name) {
			return false
		}
		if s.Consume('}') {
			return s.AtEnd()
		}
		if !s.Consume(',') {
			return false
		}
	}
}

// Null reads a null when one is at the scanner's position.
func (s *Scanner) Null() bool {
	if len(s.data)-s.pos >= 4 && string(s.data[s.pos:s.pos+4]) == "null" {
		s.pos += 4
		return true
	}
	return false
}

// Bool reads true or false at the scanner's position.
func (s *Scanner) Bool() (value, ok bool) {
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

// maxIntDigits keeps integers far from int's limits: 18 digits where int has 64 bits, 9
// where it has 32. Longer numbers go to encoding/json, which reports their overflow.
const maxIntDigits = 9 + 9*int(^uint(0)>>63)

// Int reads, at the scanner's position, an integer without fraction or exponent of at most
// maxIntDigits digits. On false the scanner has not moved.
func (s *Scanner) Int() (int, bool) {
	i := s.pos
	neg := i < len(s.data) && s.data[i] == '-'
	if neg {
		i++
	}
	start, n := i, 0
	for i < len(s.data) && s.data[i] >= '0' && s.data[i] <= '9' {
		n = n*10 + int(s.data[i]-'0')
		i++
	}
	digits := i - start
	if digits == 0 || digits > maxIntDigits || (digits > 1 && s.data[start] == '0') {
		return 0, false
	}
	if i < len(s.data) {
		switch s.data[i] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	if neg {
		n = -n
	}
	s.pos = i
	return n, true
}
