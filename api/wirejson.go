package api

import (
	"strconv"
	"unicode/utf8"
)

// The schema entities are most of what the registry answers, and those of the hot paths (a
// schema by id, a lookup, a registration) mostly carry no references, metadata or rules.
// appendJSON writes those without encoding/json's reflection, byte for byte as it would
// (TestSchemaJSONAsEncodingJSON holds it to that); the others take encoding/json's path.

// appendJSON appends s as encoding/json encodes it without HTML escaping, and reports true;
// or appends nothing and reports false when s has a field it leaves to encoding/json.
func (s *schemaJSON) appendJSON(b []byte) ([]byte, bool) {
	if len(s.References) > 0 || s.Metadata != nil || s.RuleSet != nil || len(s.Aliases) > 0 || len(s.Associations) > 0 {
		return b, false
	}
	b = append(b, '{')
	sep := false
	if s.Subject != "" {
		b, sep = appendKey(b, sep, "subject"), true
		b = appendJSONString(b, s.Subject)
	}
	if s.Version != 0 {
		b, sep = appendKey(b, sep, "version"), true
		b = strconv.AppendInt(b, int64(s.Version), 10)
	}
	if s.ID != nil {
		b, sep = appendKey(b, sep, "id"), true
		b = strconv.AppendInt(b, int64(*s.ID), 10)
	}
	if s.GUID != "" {
		b, sep = appendKey(b, sep, "guid"), true
		b = appendJSONString(b, s.GUID)
	}
	if s.SchemaType != "" {
		b, sep = appendKey(b, sep, "schemaType"), true
		b = appendJSONString(b, string(s.SchemaType))
	}
	b = appendKey(b, sep, "schema")
	b = appendJSONString(b, s.Schema)
	if s.MaxID != 0 {
		b = appendKey(b, true, "maxId")
		b = strconv.AppendInt(b, int64(s.MaxID), 10)
	}
	if s.TS != 0 {
		b = appendKey(b, true, "ts")
		b = strconv.AppendInt(b, s.TS, 10)
	}
	if s.Deleted != nil {
		b = appendKey(b, true, "deleted")
		b = strconv.AppendBool(b, *s.Deleted)
	}
	return append(b, '}'), true
}

// appendKey appends a member's name and colon, after a comma unless it is the first.
func appendKey(b []byte, sep bool, name string) []byte {
	if sep {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	return append(b, '"', ':')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string the way encoding/json does without HTML
// escaping: quote and backslash escaped, control characters as \b \f \n \r \t or \u00XX,
// bytes that are not UTF-8 as \ufffd, and U+2028 and U+2029 as \u2028 and \u2029 (which
// JavaScript would take for line ends); everything else as it is.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			b = appendEscapedByte(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendEscapedByte appends the escape of an ASCII byte that JSON strings cannot hold as is.
func appendEscapedByte(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}
