package serde

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// wireCase is one file of testdata/wire.txtar; the archive's comment says what each field
// means for each kind.
type wireCase struct {
	name, kind string

	id         SchemaID
	hasID      bool
	indexes    []int
	hasIndexes bool
	protobuf   bool
	key        bool
	decodeOnly bool
	want       []byte
	payload    []byte
	headers    []Header
	body       []byte

	where, errText string
	magic          byte
}

// loadWireCases reads testdata/wire.txtar.
func loadWireCases(t testing.TB) []wireCase {
	t.Helper()
	ar, err := txtar.ParseFile("testdata/wire.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var cases []wireCase
	for _, f := range ar.Files {
		kind, _, ok := strings.Cut(f.Name, "/")
		if !ok {
			t.Fatalf("%s: want kind/name", f.Name)
		}
		c := wireCase{name: f.Name, kind: kind}
		for i, line := range strings.Split(string(f.Data), "\n") {
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if err := c.set(line); err != nil {
				t.Fatalf("%s:%d: %v", f.Name, i+1, err)
			}
		}
		cases = append(cases, c)
	}
	return cases
}

// set applies one "field: value" line to c.
func (c *wireCase) set(line string) error {
	field, value, ok := strings.Cut(line, ":")
	if !ok {
		return errors.New("want field: value")
	}
	value = strings.TrimSpace(value)
	var err error
	switch {
	case field == "id":
		var n int64
		n, err = strconv.ParseInt(value, 10, 32)
		c.id, c.hasID = IDOf(int32(n)), true
	case field == "guid":
		var g [16]byte
		g, err = ParseGUID(value)
		c.id, c.hasID = GUIDOf(g), true
	case field == "indexes":
		c.indexes, err = parseIndexList(value)
		c.hasIndexes = true
	case field == "protobuf":
		c.protobuf, err = strconv.ParseBool(value)
	case field == "key":
		c.key, err = strconv.ParseBool(value)
	case field == "decode-only":
		c.decodeOnly, err = strconv.ParseBool(value)
	case field == "want":
		c.want, err = parseHex(value)
	case field == "payload":
		c.payload, err = parseHex(value)
	case field == "body":
		c.body, err = parseHex(value)
	case strings.HasPrefix(field, "header "):
		var v []byte
		v, err = parseHex(value)
		c.headers = append(c.headers, Header{Key: strings.TrimPrefix(field, "header "), Value: v})
	case field == "where":
		c.where = value
	case field == "error":
		c.errText = value
	case field == "magic":
		var m []byte
		m, err = parseHex(value)
		if err == nil && len(m) != 1 {
			err = errors.New("magic: want one byte")
		}
		if err == nil {
			c.magic = m[0]
		}
	default:
		return errors.New("unknown field " + strconv.Quote(field))
	}
	return err
}

// parseHex reads hex bytes grouped with spaces and '|'; "" is no bytes (not nil, so that
// tests can tell an empty body from none).
func parseHex(s string) ([]byte, error) {
	s = strings.NewReplacer(" ", "", "|", "").Replace(s)
	b, err := hex.DecodeString(s)
	if b == nil {
		b = []byte{}
	}
	return b, err
}

// parseIndexList reads "[2, 0, 3]".
func parseIndexList(s string) ([]int, error) {
	s, ok := strings.CutPrefix(s, "[")
	if s, ok = strings.CutSuffix(s, "]"); !ok {
		return nil, errors.New("want [i, j, ...]")
	}
	out := []int{}
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// decodedIndexes is what a decoder gives back for indexes written by AppendIndexes: the
// empty path comes back as [0], and records of other formats have none.
func decodedIndexes(indexes []int, protobuf bool) []int {
	if !protobuf {
		return nil
	}
	if isShortcut(indexes) {
		return []int{0}
	}
	return indexes
}

// TestWireGolden checks the encoders and decoders against the hand-computed vectors.
func TestWireGolden(t *testing.T) {
	cases := loadWireCases(t)
	kinds := map[string]func(*testing.T, wireCase){
		"prefix":  checkPrefixCase,
		"indexes": checkIndexesCase,
		"header":  checkHeaderCase,
		"decode":  checkDecodeCase,
		"reject":  checkRejectCase,
	}
	seen := map[string]int{}
	for _, c := range cases {
		check, ok := kinds[c.kind]
		if !ok {
			t.Fatalf("%s: unknown kind %q", c.name, c.kind)
		}
		seen[c.kind]++
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			check(t, c)
		})
	}
	for kind := range kinds {
		if seen[kind] == 0 {
			t.Errorf("testdata/wire.txtar has no %s/ cases", kind)
		}
	}
}

func checkPrefixCase(t *testing.T, c wireCase) {
	if got := AppendPrefix(nil, c.id); !bytes.Equal(got, c.want) {
		t.Errorf("AppendPrefix(nil, %v) = % x, want % x", c.id, got, c.want)
	}
	if got := AppendPrefix([]byte("xy"), c.id); !bytes.Equal(got, append([]byte("xy"), c.want...)) {
		t.Errorf("AppendPrefix(\"xy\", %v) = % x, want xy then % x", c.id, got, c.want)
	}
	id, rest, err := DecodePrefix(append(bytes.Clone(c.want), "rest"...))
	if err != nil || id != c.id || string(rest) != "rest" {
		t.Errorf("DecodePrefix(% x rest) = %v, %q, %v; want %v, \"rest\", nil", c.want, id, rest, err, c.id)
	}
	for n := range len(c.want) {
		if _, _, err := DecodePrefix(c.want[:n]); !isWireError(err) {
			t.Errorf("DecodePrefix(% x) error = %v, want a *WireError", c.want[:n], err)
		}
	}
}

func checkIndexesCase(t *testing.T, c wireCase) {
	if got := AppendIndexes(nil, c.indexes); !c.decodeOnly && !bytes.Equal(got, c.want) {
		t.Errorf("AppendIndexes(nil, %v) = % x, want % x", c.indexes, got, c.want)
	}
	if got := indexesLen(c.indexes); !c.decodeOnly && got != len(c.want) {
		t.Errorf("indexesLen(%v) = %d, want %d", c.indexes, got, len(c.want))
	}
	got, rest, err := DecodeIndexes(append(bytes.Clone(c.want), "rest"...))
	if want := decodedIndexes(c.indexes, true); err != nil || !cmp.Equal(got, want) || string(rest) != "rest" {
		t.Errorf("DecodeIndexes(% x rest) = %v, %q, %v; want %v, \"rest\", nil", c.want, got, rest, err, want)
	}
	for n := range len(c.want) {
		if _, _, err := DecodeIndexes(c.want[:n]); !isWireError(err) {
			t.Errorf("DecodeIndexes(% x) error = %v, want a *WireError", c.want[:n], err)
		}
	}
}

func checkHeaderCase(t *testing.T, c wireCase) {
	if got := HeaderValue(c.id, c.indexes, c.protobuf); !bytes.Equal(got, c.want) {
		t.Errorf("HeaderValue(%v, %v, %v) = % x, want % x", c.id, c.indexes, c.protobuf, got, c.want)
	}
	for _, isKey := range []bool{false, true} {
		name := headerName(isKey)
		payload := []byte("body")
		id, indexes, body, err := Decode(payload, []Header{{Key: name, Value: c.want}}, isKey, c.protobuf)
		want := decodedIndexes(c.indexes, c.protobuf)
		if err != nil || id != c.id || !cmp.Equal(indexes, want) || string(body) != "body" {
			t.Errorf("Decode(body, %s: % x) = %v, %v, %q, %v; want %v, %v, \"body\", nil", name, c.want, id, indexes, body, err, c.id, want)
		}
		for n := 1; n < len(c.want); n++ {
			if _, _, _, err := Decode(payload, []Header{{Key: name, Value: c.want[:n]}}, isKey, c.protobuf); !isWireError(err) {
				t.Errorf("Decode(body, %s: % x) error = %v, want a *WireError", name, c.want[:n], err)
			}
		}
	}
}

func checkDecodeCase(t *testing.T, c wireCase) {
	id, indexes, body, err := Decode(c.payload, c.headers, c.key, c.protobuf)
	if err != nil || id != c.id || !cmp.Equal(indexes, c.indexes) || !bytes.Equal(body, c.body) {
		t.Fatalf("Decode = %v, %v, % x, %v; want %v, %v, % x, nil", id, indexes, body, err, c.id, c.indexes, c.body)
	}
	// Cut the payload at every length: below what the prefix and indexes take, Decode must
	// fail; from there on, the body shrinks. A payload whose id is in a header is all body.
	consumed := len(c.payload) - len(body)
	for n := range len(c.payload) {
		id, indexes, body, err := Decode(c.payload[:n], c.headers, c.key, c.protobuf)
		switch {
		case n < consumed && !isWireError(err):
			t.Errorf("Decode(% x) error = %v, want a *WireError", c.payload[:n], err)
		case n >= consumed && (err != nil || id != c.id || !cmp.Equal(indexes, c.indexes) || !bytes.Equal(body, c.payload[consumed:n])):
			t.Errorf("Decode(% x) = %v, %v, % x, %v; want %v, %v, % x, nil", c.payload[:n], id, indexes, body, err, c.id, c.indexes, c.payload[consumed:n])
		}
	}
}

func checkRejectCase(t *testing.T, c wireCase) {
	id, indexes, body, err := Decode(c.payload, c.headers, c.key, c.protobuf)
	var we *WireError
	if !errors.As(err, &we) {
		t.Fatalf("Decode = %v, %v, % x, %v; want a *WireError", id, indexes, body, err)
	}
	if we.Where != c.where || !strings.Contains(we.Reason, c.errText) || we.Magic != c.magic {
		t.Errorf("Decode error = %+v; want Where %q, Magic %#x, Reason containing %q", *we, c.where, c.magic, c.errText)
	}
	if id != (SchemaID{}) || indexes != nil || body != nil {
		t.Errorf("Decode failed but returned %v, %v, % x; want zero values", id, indexes, body)
	}
}

// isWireError reports whether err is a *WireError.
func isWireError(err error) bool {
	var we *WireError
	return errors.As(err, &we)
}
