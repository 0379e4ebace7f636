package jsonsubset

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// textPieces are the parts the differential tests build string bodies from: every escape,
// runs of plain bytes, raw multi-byte runes, control characters, invalid UTF-8 and stray
// quotes and backslashes, so that each lands at every position of unescape's eight-byte words.
var textPieces = []string{
	`a`, `bcdefgh`, `\"`, `\"\"`, `\\`, `\\\"`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`,
	`\u0041`, `\u00e9`, `\u20AC`, `\ud83d\ude00`, `\ud83d`, `\ude00`, `\u12`, `\q`,
	"é", "😀", "\x01", "\x1f", "\x7f", "\xff", "\xe2\x82", `"`, `\`,
}

// checkText checks Text on `"`+pad+body+`"`+tail against encoding/json's decoding of the
// first JSON value there (a quote in body ends the string early): when encoding/json decodes it (and the text holds no U+FFFD, which is how
// encoding/json renders a lone surrogate that the scanner refuses on purpose), Text must
// return the same text, checking UTF-8 or trusting it when it is valid; when encoding/json
// refuses it, Text must refuse it too, checking UTF-8.
func checkText(t *testing.T, pad int, body, tail string) {
	t.Helper()
	data := []byte(`"` + strings.Repeat("p", pad) + body + `"` + tail)
	var want string
	dec := json.NewDecoder(bytes.NewReader(data))
	wantOK := dec.Decode(&want) == nil
	wantEnd := int(dec.InputOffset())
	news := map[string]func([]byte) Scanner{"New": New}
	if utf8.Valid(data) {
		news["NewValidUTF8"] = NewValidUTF8
	}
	for name, newScanner := range news {
		s := newScanner(data)
		got, ok := s.Text()
		switch {
		case ok && (!wantOK || got != want):
			t.Fatalf("%s(%q).Text() = %q, encoding/json: %q, %v", name, data, got, want, wantOK)
		case ok && s.pos != wantEnd:
			t.Fatalf("%s(%q).Text() left the scanner at %d, want %d", name, data, s.pos, wantEnd)
		case !ok && wantOK && !strings.ContainsRune(want, utf8.RuneError):
			t.Fatalf("%s(%q).Text() refused what encoding/json decodes to %q", name, data, want)
		}
	}
}

// TestTextAgainstEncodingJSON builds string bodies of up to four pieces, each after every
// padding of up to eight bytes (so each piece starts at each position of a word), and with
// tails that give unescape's eight-byte reads room past the closing quote or none.
func TestTextAgainstEncodingJSON(t *testing.T) {
	tails := []string{"", " ", `  "\"\"\"`, "xxxxxxxxxxxxxxxx"}
	for pad := range 9 {
		for _, a := range textPieces {
			for _, b := range textPieces {
				for _, tail := range tails {
					checkText(t, pad, a+b, tail)
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(17, 17))
	for range 100_000 {
		var body strings.Builder
		for range rng.IntN(12) {
			body.WriteString(textPieces[rng.IntN(len(textPieces))])
		}
		checkText(t, rng.IntN(9), body.String(), tails[rng.IntN(len(tails))])
	}
}

// FuzzText: Text agrees with encoding/json, both ways, on a string built from arbitrary
// bytes at any of the eight alignments.
func FuzzText(f *testing.F) {
	for i, p := range textPieces {
		f.Add(uint8(i), p+`\"12345678`+p)
	}
	f.Fuzz(func(t *testing.T, pad uint8, body string) {
		checkText(t, int(pad%9), body, " ")
	})
}
