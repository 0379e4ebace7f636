package compat

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file is the JSON layer under the Avro parser. Avro Java reads schemas
// with Jackson into a tree (JsonNode) and writes them back with a Jackson
// generator; the canonical text Confluent stores depends on details of both
// (key order, duplicate keys, number types, string escaping), so the tree is
// decoded here by hand instead of with encoding/json.

// Limits Jackson enforces by default (StreamReadConstraints).
const (
	maxJSONDepth        = 1000
	maxJSONNumberLength = 1000
)

type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// numKind mirrors Jackson's numeric node classes.
type numKind uint8

const (
	numInt    numKind = iota // IntNode: fits in a Java int
	numLong                  // LongNode: fits in a Java long
	numBig                   // BigIntegerNode
	numDouble                // DoubleNode: any number with a fraction or exponent
)

// jsonValue is one node of a decoded JSON document. Objects keep their keys in
// document order; a repeated key keeps its first position and its last value,
// as Jackson's ObjectNode does.
type jsonValue struct {
	kind jsonKind
	b    bool
	s    string // string value; for numbers the source literal
	num  numKind
	i64  int64   // numInt, numLong
	f64  float64 // numDouble
	arr  []*jsonValue
	obj  []jsonMember
	keys map[string]int // position of each key in obj, for large objects
}

// indexFrom is the object size from which keys are indexed.
const indexFrom = 16

type jsonMember struct {
	key string
	val *jsonValue
}

// get returns the value of key in an object, or nil.
func (v *jsonValue) get(key string) *jsonValue {
	if v == nil || v.kind != jsonObject {
		return nil
	}
	if v.keys != nil {
		if i, ok := v.keys[key]; ok {
			return v.obj[i].val
		}
		return nil
	}
	for _, m := range v.obj {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// text is Jackson's textValue(): the string of a string node, else "", false.
func (v *jsonValue) text() (string, bool) {
	if v == nil || v.kind != jsonString {
		return "", false
	}
	return v.s, true
}

func (v *jsonValue) isIntegral() bool { return v.kind == jsonNumber && v.num != numDouble }

// set stores key=val, keeping the position of an existing key.
func (v *jsonValue) set(key string, val *jsonValue) {
	if v.keys != nil {
		if i, ok := v.keys[key]; ok {
			v.obj[i].val = val
			return
		}
	} else {
		for i := range v.obj {
			if v.obj[i].key == key {
				v.obj[i].val = val
				return
			}
		}
	}
	v.obj = append(v.obj, jsonMember{key: key, val: val})
	switch {
	case v.keys != nil:
		v.keys[key] = len(v.obj) - 1
	case len(v.obj) >= indexFrom:
		v.keys = make(map[string]int, len(v.obj))
		for i, m := range v.obj {
			v.keys[m.key] = i
		}
	}
}

func newJSONString(s string) *jsonValue { return &jsonValue{kind: jsonString, s: s} }

func newJSONDouble(f float64) *jsonValue { return &jsonValue{kind: jsonNumber, num: numDouble, f64: f} }

// decodeJSON parses one JSON document the way Avro's Jackson parser is set up:
// strict JSON plus /* */ and // comments, nesting depth at most 1000, and
// nothing but whitespace after the root value.
func decodeJSON(text string) (*jsonValue, error) {
	if !utf8.ValidString(text) {
		return nil, errors.New("schema text is not valid UTF-8")
	}
	d := &jsonDecoder{src: text}
	d.skipSpace()
	if d.pos == len(d.src) {
		return nil, errors.New("Cannot parse <null> schema")
	}
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	if rest := strings.TrimSpace(d.src[d.pos:]); rest != "" {
		return nil, fmt.Errorf("dangling content after end of schema: %s", rest)
	}
	return v, nil
}

type jsonDecoder struct {
	src string
	pos int
}

func (d *jsonDecoder) errorf(format string, args ...any) error {
	return fmt.Errorf("invalid JSON at offset %d: %s", d.pos, fmt.Sprintf(format, args...))
}

func (d *jsonDecoder) skipSpace() {
	for d.pos < len(d.src) {
		switch c := d.src[d.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			d.pos++
		case c == '/' && strings.HasPrefix(d.src[d.pos:], "//"):
			end := strings.IndexAny(d.src[d.pos:], "\n\r")
			if end < 0 {
				d.pos = len(d.src)
				return
			}
			d.pos += end
		case c == '/' && strings.HasPrefix(d.src[d.pos:], "/*"):
			end := strings.Index(d.src[d.pos+2:], "*/")
			if end < 0 {
				d.pos = len(d.src)
				return
			}
			d.pos += end + 4
		default:
			return
		}
	}
}

func (d *jsonDecoder) value(depth int) (*jsonValue, error) {
	if d.pos >= len(d.src) {
		return nil, d.errorf("unexpected end of input")
	}
	switch c := d.src[d.pos]; {
	case c == '{' || c == '[':
		if depth >= maxJSONDepth {
			return nil, d.errorf("document nesting depth exceeds the maximum allowed (%d)", maxJSONDepth)
		}
		if c == '{' {
			return d.object(depth + 1)
		}
		return d.array(depth + 1)
	case c == '"':
		s, err := d.str()
		return newJSONString(s), err
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	}
	return d.literal()
}

func (d *jsonDecoder) literal() (*jsonValue, error) {
	for _, l := range []struct {
		word string
		val  jsonValue
	}{{"true", jsonValue{kind: jsonBool, b: true}}, {"false", jsonValue{kind: jsonBool}}, {"null", jsonValue{kind: jsonNull}}} {
		if strings.HasPrefix(d.src[d.pos:], l.word) {
			d.pos += len(l.word)
			v := l.val
			return &v, nil
		}
	}
	r, _ := utf8.DecodeRuneInString(d.src[d.pos:])
	return nil, d.errorf("unexpected character %q", r)
}

func (d *jsonDecoder) object(depth int) (*jsonValue, error) {
	d.pos++ // '{'
	v := &jsonValue{kind: jsonObject}
	d.skipSpace()
	if d.pos < len(d.src) && d.src[d.pos] == '}' {
		d.pos++
		return v, nil
	}
	for {
		d.skipSpace()
		if d.pos >= len(d.src) || d.src[d.pos] != '"' {
			return nil, d.errorf("expected a double-quoted field name")
		}
		key, err := d.str()
		if err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.pos >= len(d.src) || d.src[d.pos] != ':' {
			return nil, d.errorf("expected ':' after field name")
		}
		d.pos++
		d.skipSpace()
		val, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		v.set(key, val)
		if done, err := d.endOf('}'); done || err != nil {
			return v, err
		}
	}
}

func (d *jsonDecoder) array(depth int) (*jsonValue, error) {
	d.pos++ // '['
	v := &jsonValue{kind: jsonArray}
	d.skipSpace()
	if d.pos < len(d.src) && d.src[d.pos] == ']' {
		d.pos++
		return v, nil
	}
	for {
		d.skipSpace()
		el, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		v.arr = append(v.arr, el)
		if done, err := d.endOf(']'); done || err != nil {
			return v, err
		}
	}
}

// endOf consumes ',' (not done) or the closing byte (done).
func (d *jsonDecoder) endOf(closing byte) (bool, error) {
	d.skipSpace()
	if d.pos >= len(d.src) {
		return false, d.errorf("unexpected end of input")
	}
	switch d.src[d.pos] {
	case ',':
		d.pos++
		return false, nil
	case closing:
		d.pos++
		return true, nil
	}
	return false, d.errorf("expected ',' or '%c'", closing)
}

func (d *jsonDecoder) str() (string, error) {
	d.pos++ // opening quote
	var b strings.Builder
	for {
		if d.pos >= len(d.src) {
			return "", d.errorf("unterminated string")
		}
		c := d.src[d.pos]
		switch {
		case c == '"':
			d.pos++
			return b.String(), nil
		case c == '\\':
			if err := d.escape(&b); err != nil {
				return "", err
			}
		case c < 0x20:
			return "", d.errorf("unescaped control character (code %d) in string", c)
		default:
			b.WriteByte(c)
			d.pos++
		}
	}
}

func (d *jsonDecoder) escape(b *strings.Builder) error {
	if d.pos+1 >= len(d.src) {
		return d.errorf("unterminated escape")
	}
	c := d.src[d.pos+1]
	d.pos += 2
	if r, ok := simpleEscapes[c]; ok {
		b.WriteByte(r)
		return nil
	}
	if c != 'u' {
		return d.errorf("unrecognized character escape %q", c)
	}
	r, err := d.hex4()
	if err != nil {
		return err
	}
	if utf16.IsSurrogate(r) && strings.HasPrefix(d.src[d.pos:], `\u`) {
		save := d.pos
		d.pos += 2
		r2, err := d.hex4()
		if err == nil {
			if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
				b.WriteRune(pair)
				return nil
			}
		}
		d.pos = save
	}
	if utf16.IsSurrogate(r) {
		r = '?' // a lone surrogate; Java keeps it and writes it out as '?'
	}
	b.WriteRune(r)
	return nil
}

var simpleEscapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

func (d *jsonDecoder) hex4() (rune, error) {
	if d.pos+4 > len(d.src) {
		return 0, d.errorf("truncated \\u escape")
	}
	n, err := strconv.ParseUint(d.src[d.pos:d.pos+4], 16, 32)
	if err != nil {
		return 0, d.errorf("invalid \\u escape %q", d.src[d.pos:d.pos+4])
	}
	d.pos += 4
	return rune(n), nil
}

func (d *jsonDecoder) number() (*jsonValue, error) {
	start := d.pos
	d.accept("-")
	if !d.digits(true) {
		return nil, d.errorf("invalid number")
	}
	integral := true
	if d.accept(".") {
		integral = false
		if !d.digits(false) {
			return nil, d.errorf("decimal point not followed by a digit")
		}
	}
	if d.accept("e") || d.accept("E") {
		integral = false
		_ = d.accept("+") || d.accept("-")
		if !d.digits(false) {
			return nil, d.errorf("exponent indicator not followed by a digit")
		}
	}
	lit := d.src[start:d.pos]
	if len(lit) > maxJSONNumberLength {
		return nil, d.errorf("number length exceeds the maximum allowed (%d)", maxJSONNumberLength)
	}
	return numberValue(lit, integral), nil
}

func (d *jsonDecoder) accept(s string) bool {
	if strings.HasPrefix(d.src[d.pos:], s) {
		d.pos += len(s)
		return true
	}
	return false
}

// digits consumes a run of digits; intPart rejects leading zeros.
func (d *jsonDecoder) digits(intPart bool) bool {
	start := d.pos
	for d.pos < len(d.src) && d.src[d.pos] >= '0' && d.src[d.pos] <= '9' {
		d.pos++
	}
	if intPart && d.pos-start > 1 && d.src[start] == '0' {
		return false
	}
	return d.pos > start
}

// numberValue classifies a JSON number literal like Jackson's tree reader.
func numberValue(lit string, integral bool) *jsonValue {
	v := &jsonValue{kind: jsonNumber, s: lit}
	if !integral {
		v.num = numDouble
		v.f64, _ = strconv.ParseFloat(lit, 64) // overflow gives ±Inf, as Java does
		return v
	}
	n, err := strconv.ParseInt(lit, 10, 64)
	switch {
	case err != nil:
		v.num = numBig
	case n >= math.MinInt32 && n <= math.MaxInt32:
		v.num, v.i64 = numInt, n
	default:
		v.num, v.i64 = numLong, n
	}
	return v
}

// writeJSON renders v as Jackson's generator would (compact).
func writeJSON(b *strings.Builder, v *jsonValue) {
	switch v.kind {
	case jsonNull:
		b.WriteString("null")
	case jsonBool:
		b.WriteString(strconv.FormatBool(v.b))
	case jsonString:
		writeJSONString(b, v.s)
	case jsonNumber:
		writeJSONNumber(b, v)
	case jsonArray:
		b.WriteByte('[')
		for i, el := range v.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, el)
		}
		b.WriteByte(']')
	case jsonObject:
		b.WriteByte('{')
		for i, m := range v.obj {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, m.key)
			b.WriteByte(':')
			writeJSON(b, m.val)
		}
		b.WriteByte('}')
	}
}

func renderJSON(v *jsonValue) string {
	var b strings.Builder
	writeJSON(&b, v)
	return b.String()
}

func writeJSONNumber(b *strings.Builder, v *jsonValue) {
	switch v.num {
	case numInt, numLong:
		b.WriteString(strconv.FormatInt(v.i64, 10))
	case numBig:
		n, _ := new(big.Int).SetString(v.s, 10)
		b.WriteString(n.String())
	default:
		if math.IsNaN(v.f64) || math.IsInf(v.f64, 0) {
			writeJSONString(b, javaDouble(v.f64)) // Jackson quotes non-finite numbers
			return
		}
		b.WriteString(javaDouble(v.f64))
	}
}

const hexDigits = "0123456789ABCDEF"

// QuoteJSON quotes s as a JSON string the way Jackson, and so Confluent, writes it: only '"',
// '\\' and control characters are escaped. Canonical schema text needs it, and so do the
// `_schemas` record keys, which must be byte-identical to Confluent's for compaction.
func QuoteJSON(s string) string {
	var b strings.Builder
	writeJSONString(&b, s)
	return b.String()
}

// writeJSONString quotes s with Jackson's default escaping: '"', '\\' and
// control characters only; everything else, non-ASCII included, is raw.
func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x20:
			b.WriteByte(c)
		case c == '\b':
			b.WriteString(`\b`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\f':
			b.WriteString(`\f`)
		case c == '\r':
			b.WriteString(`\r`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xF])
		}
	}
	b.WriteByte('"')
}
