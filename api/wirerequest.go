package api

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// quickSchemaRequest decodes the body nearly every register and lookup carries: an object
// whose members are "schema" and "schemaType" (strings or null) and "references" (an empty
// array), each at most once. It decodes them as encoding/json would, without reflection and
// with no allocation beyond the strings themselves; ok false means the body is anything else
// (other members, a repeated or differently cased key, a non-empty reference list, a lone
// surrogate, invalid JSON), which encoding/json then decodes or reports, so that every answer
// and error message stays as it was. data must be valid UTF-8, as decodeBody ensures.
func quickSchemaRequest(data []byte) (r schemaRequest, ok bool) {
	d := quickDecoder{data: data}
	if !d.consume('{') {
		return schemaRequest{}, false
	}
	if d.consume('}') {
		return r, d.atEnd()
	}
	var seen struct{ schema, schemaType, references bool }
	for {
		key, isKey := d.plainString()
		if !isKey || !d.consume(':') {
			return schemaRequest{}, false
		}
		var valueOK bool
		switch string(key) {
		case "schema":
			valueOK, seen.schema = !seen.schema, true
			r.Schema, valueOK = d.nullableString(valueOK)
		case "schemaType":
			valueOK, seen.schemaType = !seen.schemaType, true
			r.SchemaType, valueOK = d.nullableString(valueOK)
		case "references":
			valueOK, seen.references = !seen.references && d.emptyArray(), true
			r.References = []referenceRequest{}
		}
		if !valueOK {
			return schemaRequest{}, false
		}
		if d.consume(',') {
			continue
		}
		if d.consume('}') && d.atEnd() {
			return r, true
		}
		return schemaRequest{}, false
	}
}

// quickDecoder reads JSON tokens from data, from pos on.
type quickDecoder struct {
	data []byte
	pos  int
}

// skipSpace skips JSON's four whitespace characters (not bytes.TrimSpace's wider set).
func (d *quickDecoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// consume skips whitespace and then c, reporting whether c was there.
func (d *quickDecoder) consume(c byte) bool {
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == c {
		d.pos++
		return true
	}
	return false
}

func (d *quickDecoder) atEnd() bool {
	d.skipSpace()
	return d.pos == len(d.data)
}

// emptyArray reads `[ ]`.
func (d *quickDecoder) emptyArray() bool { return d.consume('[') && d.consume(']') }

// plainString reads a string without escapes (a member name), returning its bytes in data.
func (d *quickDecoder) plainString() ([]byte, bool) {
	if !d.consume('"') {
		return nil, false
	}
	start := d.pos
	for ; d.pos < len(d.data); d.pos++ {
		switch c := d.data[d.pos]; {
		case c == '"':
			d.pos++
			return d.data[start : d.pos-1], true
		case c == '\\' || c < ' ':
			return nil, false
		}
	}
	return nil, false
}

// nullableString reads null (nil) or a string, when want; it reports false without reading
// when not.
func (d *quickDecoder) nullableString(want bool) (*string, bool) {
	if !want {
		return nil, false
	}
	d.skipSpace()
	if rest := d.data[d.pos:]; len(rest) >= 4 && string(rest[:4]) == "null" {
		d.pos += 4
		return nil, true
	}
	s, ok := d.string()
	if !ok {
		return nil, false
	}
	return &s, true
}

// string reads a JSON string, unescaping it.
func (d *quickDecoder) string() (string, bool) {
	if !d.consume('"') {
		return "", false
	}
	end, ok := closingQuote(d.data, d.pos)
	if !ok {
		return "", false
	}
	raw := d.data[d.pos:end]
	d.pos = end + 1
	return unescape(raw)
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
// control characters, which JSON forbids. A \u escape of a lone surrogate, which encoding/json
// replaces with U+FFFD, is refused rather than imitated.
func unescape(raw []byte) (string, bool) {
	out := make([]byte, len(raw)) // unescaping never lengthens: \uXXXX is 6 bytes for at most 3
	n := 0
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c < ' ' {
			return "", false
		}
		if c != '\\' {
			out[n] = c
			n++
			continue
		}
		if i++; i >= len(raw) {
			return "", false
		}
		switch raw[i] {
		case '"', '\\', '/':
			out[n] = raw[i]
		case 'b':
			out[n] = '\b'
		case 'f':
			out[n] = '\f'
		case 'n':
			out[n] = '\n'
		case 'r':
			out[n] = '\r'
		case 't':
			out[n] = '\t'
		case 'u':
			r, size, ok := unicodeEscape(raw[i+1:])
			if !ok {
				return "", false
			}
			n += utf8.EncodeRune(out[n:], r)
			i += size
			continue
		default:
			return "", false
		}
		n++
	}
	if n == 0 {
		return "", true
	}
	// out is not written again: the string may share it, as strings.Builder's does.
	return unsafe.String(&out[0], n), true
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
