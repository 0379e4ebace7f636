package jsonsubset

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// scalarSeeds are JSON values the scanner reads, then values it leaves to encoding/json.
var (
	scannedValues = []string{
		`null`, `true`, `false`, `0`, `-0`, `7`, `-42`, `123456789012345678`,
		`""`, `"plain"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"caf\u00e9 \u20AC"`, `"\ud83d\ude00"`,
		`"é ✓ 😀"`, `"\u0000"`, `"{\"type\":\"string\"}"`, ` "x" `,
		// escapes, quotes and ends on each side of unescape's eight-byte words
		`"\"1234567"`, `"\"12345678"`, `"\"123456\"7"`, `"\"1234567\"8"`, `"\"12345678\"9"`,
		`"\"\"\"\"\"\"\"\"\"\""`, `"\"a\\\"b\"cdefgh"`, `"\"abcdef\\"`, `"\"abc\ndefghi\"jk"`,
		`"\"abc\u00e9defghijklmnop"`, `"\"abcdefg\/hijklmnop"`, `"\"12345\"" `,
	}
	refusedValues = []string{
		``, `nul`, `tru`, `fals`, `-`, `01`, `-01`, `1.0`, `1e2`, `1E2`, `1234567890123456789`,
		`"`, `"abc`, `"a\"`, `"\q"`, `"\u12"`, `"\u12G4"`, "\"a\tb\"", "\"\x7f\xff\"",
		`"\ud83d"`, `"\ude00"`, `"\ud83d\u0041"`, `"\ud83dx"`, "\"\xed\xa0\x80\"",
		"\"\xe2\\u0041\"", "\"\\u00e9\x82\"", "\"\\n\xff\"", // invalid UTF-8 beside an escape
		`[]`, `"x" y`, "\v1",
		"\"\\\"123456\x01\"", "\"\\\"12345678\x1f\"", `"\"12345678\"`, `"\"1234567\`, `"\"123456\q78"`,
	}
	scannedObjects = []string{
		`{}`, ` { } `, `{"a":1}`, `{ "a" : "x" , "b" : null , "c" : true }` + "\r\n",
		`{"a":"\ud83d\ude00","b":-3}`,
	}
	refusedObjects = []string{
		`{`, `{"a"}`, `{"a":1,}`, `{"a":1 "b":2}`, `{"a":1} x`, `{"\u0061":1}`, `{"é":1}`,
		`{a:1}`, `{"a":[]}`, `{"a":{}}`, `{"a":1,"a":2}`,
	}
)

// TestScannerAgreesWithEncodingJSON: what the scanner reads, encoding/json decodes to the
// same value; what it refuses is left alone.
func TestScannerAgreesWithEncodingJSON(t *testing.T) {
	for _, in := range append(append([]string{}, scannedValues...), scannedObjects...) {
		got, ok := scanDocument([]byte(in), New)
		if !ok {
			t.Errorf("%q: refused, want it scanned", in)
			continue
		}
		want, err := decodeJSON([]byte(in))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: scanned %#v, encoding/json %#v, %v", in, got, want, err)
		}
	}
	for _, in := range append(append([]string{}, refusedValues...), refusedObjects...) {
		if got, ok := scanDocument([]byte(in), New); ok {
			t.Errorf("%q: scanned %#v, want it left to encoding/json", in, got)
		}
	}
}

// TestScannerUTF8: New refuses invalid UTF-8 in a string; NewValidUTF8 trusts its caller
// and copies the bytes as they are.
func TestScannerUTF8(t *testing.T) {
	in := []byte("\"a\xffb\"")
	s := New(in)
	if text, ok := s.Text(); ok {
		t.Errorf("New: %q scanned as %q, want it refused", in, text)
	}
	s = NewValidUTF8(in)
	if text, ok := s.Text(); !ok || text != "a\xffb" {
		t.Errorf("NewValidUTF8: %q scanned as %q, %v", in, text, ok)
	}
	s = New([]byte(`"é"`))
	if _, ok := s.PlainString(); ok {
		t.Error("PlainString took non-ASCII")
	}
}

// TestPlainStringLeavesScannerOnRefusal: a refused plain string can be read again by Text.
func TestPlainStringLeavesScannerOnRefusal(t *testing.T) {
	s := New([]byte(`"a\nb"`))
	if _, ok := s.PlainString(); ok {
		t.Fatal("PlainString took an escape")
	}
	if text, ok := s.Text(); !ok || text != "a\nb" || !s.AtEnd() {
		t.Errorf("Text after PlainString = %q, %v", text, ok)
	}
}

// TestTextAllocatesOnce: a string costs one allocation, escaped or not (unless a short
// escaped one is followed by a long input, tested in TestTextDoesNotKeepTheRest).
func TestTextAllocatesOnce(t *testing.T) {
	for _, in := range []string{`"plain"`, `"{\"type\":\"string\",\"x\":\"\u00e9\"}"`} {
		data := []byte(in)
		n := testing.AllocsPerRun(100, func() {
			s := New(data)
			if _, ok := s.Text(); !ok {
				t.Fatal("refused")
			}
		})
		if n > 1 {
			t.Errorf("%s: %v allocations, want 1", in, n)
		}
	}
}

// TestTextDoesNotKeepTheRest: a short escaped string before a long input is copied out of
// the buffer the size of the rest, and decoded right.
func TestTextDoesNotKeepTheRest(t *testing.T) {
	data := []byte(`"a\nb"` + strings.Repeat(" ", 1000))
	var text string
	n := testing.AllocsPerRun(10, func() {
		s := New(data)
		var ok bool
		if text, ok = s.Text(); !ok {
			t.Fatal("refused")
		}
	})
	if text != "a\nb" || n != 2 {
		t.Errorf("Text = %q in %v allocations, want the buffer and the copy", text, n)
	}
}

// FuzzScanner: whatever the scanner reads, encoding/json decodes without error to the same
// value, checked or trusting UTF-8; the scanner never panics.
func FuzzScanner(f *testing.F) {
	for _, s := range [][]string{scannedValues, refusedValues, scannedObjects, refusedObjects} {
		for _, in := range s {
			f.Add([]byte(in))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		news := []func([]byte) Scanner{New}
		if utf8.Valid(data) {
			news = append(news, NewValidUTF8)
		}
		for _, newScanner := range news {
			got, ok := scanDocument(data, newScanner)
			if !ok {
				continue
			}
			want, err := decodeJSON(data)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("%q: scanned %#v, encoding/json %#v, %v", data, got, want, err)
			}
		}
	})
}

// scanDocument reads data as one scalar, or one object of scalars with distinct names, the
// way callers use the scanner.
func scanDocument(data []byte, newScanner func([]byte) Scanner) (any, bool) {
	s := newScanner(data)
	s.SkipSpace()
	if s.pos < len(data) && data[s.pos] == '{' {
		obj := map[string]any{}
		ok := s.Object(func(name []byte) bool {
			if _, seen := obj[string(name)]; seen {
				return false
			}
			v, ok := scanScalar(&s)
			obj[string(name)] = v
			return ok
		})
		return obj, ok
	}
	v, ok := scanScalar(&s)
	return v, ok && s.AtEnd()
}

func scanScalar(s *Scanner) (any, bool) {
	if s.Null() {
		return nil, true
	}
	if b, ok := s.Bool(); ok {
		return b, true
	}
	if n, ok := s.Int(); ok {
		return n, true
	}
	return s.Text()
}

// decodeJSON decodes data with encoding/json, numbers as an int field would take them.
func decodeJSON(data []byte) (any, error) {
	if err := json.Unmarshal(data, new(any)); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return intsOf(v)
}

func intsOf(v any) (any, error) {
	switch v := v.(type) {
	case json.Number:
		var n int
		err := json.Unmarshal([]byte(v), &n)
		return n, err
	case map[string]any:
		for name, member := range v {
			m, err := intsOf(member)
			if err != nil {
				return nil, err
			}
			v[name] = m
		}
	}
	return v, nil
}

// BenchmarkText measures Text on the JSON-encoded text of a ten-field Avro record:
//
//	go test -run '^$' -bench Text ./internal/jsonsubset
func BenchmarkText(b *testing.B) {
	text := `{"type":"record","name":"R","namespace":"bench_1_value","fields":[{"name":"id","type":"long"}`
	for i := 0; i < 10; i++ {
		text += `,{"name":"f","type":["null","string"],"default":null}`
	}
	data, _ := json.Marshal(text + "]}")
	b.ReportAllocs()
	for b.Loop() {
		s := New(data)
		if _, ok := s.Text(); !ok {
			b.Fatal("refused")
		}
	}
}
