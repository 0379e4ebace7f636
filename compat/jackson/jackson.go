// Package jackson reads and writes JSON the way Jackson, the JSON library under Avro Java and
// Confluent's JSON Schema support, does. The canonical text Confluent stores depends on
// Jackson's details (key order, a repeated key keeping its first position and last value,
// Jackson's number node classes, string escaping, comments, the nesting limit), so documents
// are decoded here by hand into a Value tree instead of with encoding/json.
//
// Jackson writes doubles with Java's Double.toString and Avro parses numeric defaults with
// Double.parseDouble, and Java orders strings by UTF-16 code unit; those Java behaviours live
// here too (FormatDouble, FormatFloat, ParseDouble, CompareUTF16), as both the Avro and the
// JSON Schema packages write JSON with them.
//
// Known difference: doubles and floats are written with the shortest digits that read back to
// the same value, as Java 19 and later do; Java 17, which some Confluent images run, sometimes
// writes a longer form (2.82879384806159008E17, 9.999999999999999E22 for 1.0E23,
// 1.23456792E8 for a float).
package jackson

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

// Limits Jackson enforces by default (StreamReadConstraints).
const (
	maxDepth        = 1000
	MaxNumberLength = 1000
)

// Kind is a JSON node type.
type Kind uint8

// The node types.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// NumKind mirrors Jackson's numeric node classes.
type NumKind uint8

// The numeric node classes.
const (
	Int        NumKind = iota // IntNode: fits in a Java int
	Long                      // LongNode: fits in a Java long
	BigInteger                // BigIntegerNode
	Double                    // DoubleNode: any number with a fraction or exponent
)

// Value is one node of a decoded JSON document. Objects keep their keys in
// document order; a repeated key keeps its first position and its last value,
// as Jackson's ObjectNode does.
type Value struct {
	Kind    Kind
	Bool    bool
	Str     string // string value; for numbers the source literal
	Num     NumKind
	Int     int64   // Int, Long
	Float   float64 // Double
	Elems   []*Value
	Members []Member
	keys    map[string]int // position of each key in Members, for large objects
}

// indexFrom is the object size from which keys are indexed.
const indexFrom = 16

// Member is one key of an object and its value.
type Member struct {
	Key string
	Val *Value
}

// Get returns the value of key in an object, or nil.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	if v.keys != nil {
		if i, ok := v.keys[key]; ok {
			return v.Members[i].Val
		}
		return nil
	}
	for _, m := range v.Members {
		if m.Key == key {
			return m.Val
		}
	}
	return nil
}

// TextValue is Jackson's textValue(): the string of a string node, else "", false.
func (v *Value) TextValue() (string, bool) {
	if v == nil || v.Kind != String {
		return "", false
	}
	return v.Str, true
}

// IsIntegral reports whether v is a number without fraction or exponent (Jackson's
// isIntegralNumber).
func (v *Value) IsIntegral() bool { return v.Kind == Number && v.Num != Double }

// Set stores key=val, keeping the position of an existing key.
func (v *Value) Set(key string, val *Value) {
	if v.keys != nil {
		if i, ok := v.keys[key]; ok {
			v.Members[i].Val = val
			return
		}
	} else {
		for i := range v.Members {
			if v.Members[i].Key == key {
				v.Members[i].Val = val
				return
			}
		}
	}
	v.Members = append(v.Members, Member{Key: key, Val: val})
	switch {
	case v.keys != nil:
		v.keys[key] = len(v.Members) - 1
	case len(v.Members) >= indexFrom:
		v.keys = make(map[string]int, len(v.Members))
		for i, m := range v.Members {
			v.keys[m.Key] = i
		}
	}
}

// NewString is a string node.
func NewString(s string) *Value { return &Value{Kind: String, Str: s} }

// NewDouble is a DoubleNode.
func NewDouble(f float64) *Value { return &Value{Kind: Number, Num: Double, Float: f} }

// Decode parses one JSON document the way Avro's Jackson parser is set up:
// strict JSON plus /* */ and // comments, nesting depth at most 1000, and
// nothing but whitespace after the root value.
func Decode(text string) (*Value, error) {
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

func (d *jsonDecoder) value(depth int) (*Value, error) {
	if d.pos >= len(d.src) {
		return nil, d.errorf("unexpected end of input")
	}
	switch c := d.src[d.pos]; {
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return nil, d.errorf("document nesting depth exceeds the maximum allowed (%d)", maxDepth)
		}
		if c == '{' {
			return d.object(depth + 1)
		}
		return d.array(depth + 1)
	case c == '"':
		s, err := d.str()
		return NewString(s), err
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	}
	return d.literal()
}

func (d *jsonDecoder) literal() (*Value, error) {
	for _, l := range []struct {
		word string
		val  Value
	}{{"true", Value{Kind: Bool, Bool: true}}, {"false", Value{Kind: Bool}}, {"null", Value{Kind: Null}}} {
		if strings.HasPrefix(d.src[d.pos:], l.word) {
			d.pos += len(l.word)
			v := l.val
			return &v, nil
		}
	}
	r, _ := utf8.DecodeRuneInString(d.src[d.pos:])
	return nil, d.errorf("unexpected character %q", r)
}

func (d *jsonDecoder) object(depth int) (*Value, error) {
	d.pos++ // '{'
	v := &Value{Kind: Object}
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
		v.Set(key, val)
		if done, err := d.endOf('}'); done || err != nil {
			return v, err
		}
	}
}

func (d *jsonDecoder) array(depth int) (*Value, error) {
	d.pos++ // '['
	v := &Value{Kind: Array}
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
		v.Elems = append(v.Elems, el)
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

func (d *jsonDecoder) number() (*Value, error) {
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
	if len(lit) > MaxNumberLength {
		return nil, d.errorf("number length exceeds the maximum allowed (%d)", MaxNumberLength)
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
func numberValue(lit string, integral bool) *Value {
	v := &Value{Kind: Number, Str: lit}
	if !integral {
		v.Num = Double
		v.Float, _ = strconv.ParseFloat(lit, 64) // overflow gives ±Inf, as Java does
		return v
	}
	n, err := strconv.ParseInt(lit, 10, 64)
	switch {
	case err != nil:
		v.Num = BigInteger
	case n >= math.MinInt32 && n <= math.MaxInt32:
		v.Num, v.Int = Int, n
	default:
		v.Num, v.Int = Long, n
	}
	return v
}

// Write renders v as Jackson's generator would (compact).
func Write(b *strings.Builder, v *Value) {
	switch v.Kind {
	case Null:
		b.WriteString("null")
	case Bool:
		b.WriteString(strconv.FormatBool(v.Bool))
	case String:
		WriteString(b, v.Str)
	case Number:
		writeJSONNumber(b, v)
	case Array:
		b.WriteByte('[')
		for i, el := range v.Elems {
			if i > 0 {
				b.WriteByte(',')
			}
			Write(b, el)
		}
		b.WriteByte(']')
	case Object:
		b.WriteByte('{')
		for i, m := range v.Members {
			if i > 0 {
				b.WriteByte(',')
			}
			WriteString(b, m.Key)
			b.WriteByte(':')
			Write(b, m.Val)
		}
		b.WriteByte('}')
	}
}

// Render is Write into a new string.
func Render(v *Value) string {
	var b strings.Builder
	Write(&b, v)
	return b.String()
}

func writeJSONNumber(b *strings.Builder, v *Value) {
	switch v.Num {
	case Int, Long:
		b.WriteString(strconv.FormatInt(v.Int, 10))
	case BigInteger:
		n, _ := new(big.Int).SetString(v.Str, 10)
		b.WriteString(n.String())
	default:
		if math.IsNaN(v.Float) || math.IsInf(v.Float, 0) {
			WriteString(b, FormatDouble(v.Float)) // Jackson quotes non-finite numbers
			return
		}
		b.WriteString(FormatDouble(v.Float))
	}
}

const hexDigits = "0123456789ABCDEF"

// Quote quotes s as a JSON string the way Jackson writes it: only '"', '\\' and control
// characters are escaped.
func Quote(s string) string {
	var b strings.Builder
	WriteString(&b, s)
	return b.String()
}

// WriteString quotes s with Jackson's default escaping: '"', '\\' and
// control characters only; everything else, non-ASCII included, is raw.
func WriteString(b *strings.Builder, s string) {
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
