package avro_test

import (
	"bytes"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	hamba "github.com/hamba/avro/v2"

	"github.com/accord-registry/accord/serde/avro"
)

// everything has a field of every kind the tree conversion treats apart.
const everything = `{"type":"record","name":"Person","namespace":"com.acme","fields":[
	{"name":"name","type":"string"},
	{"name":"ssn","type":["null","string"]},
	{"name":"age","type":"int"},
	{"name":"big","type":"long"},
	{"name":"score","type":"float"},
	{"name":"ratio","type":"double"},
	{"name":"ok","type":"boolean"},
	{"name":"raw","type":"bytes"},
	{"name":"id","type":{"type":"fixed","name":"Id","size":4}},
	{"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]}},
	{"name":"tags","type":{"type":"array","items":"string"}},
	{"name":"attrs","type":{"type":"map","values":"long"}},
	{"name":"addr","type":["null",{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}]},
	{"name":"choice","type":["null","string","long","Id"]},
	{"name":"born","type":{"type":"int","logicalType":"date"}},
	{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
	{"name":"atUs","type":["null",{"type":"long","logicalType":"timestamp-micros"}]},
	{"name":"tod","type":{"type":"int","logicalType":"time-millis"}},
	{"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
	{"name":"money","type":{"type":"fixed","name":"Money","size":8,"logicalType":"decimal","precision":18,"scale":4}},
	{"name":"nick","type":["null","string"],"default":null},
	{"name":"level","type":"int","default":3}
]}`

// aPerson is a value of everything as hamba/avro decodes it into an any.
func aPerson(t *testing.T, s hamba.Schema) (any, []byte) {
	t.Helper()
	at := time.UnixMilli(1_700_000_000_123).UTC()
	v := map[string]any{
		"name": "ann", "ssn": map[string]any{"string": "123-45-6789"}, "age": 42, "big": int64(1) << 60,
		"score": float32(1.5), "ratio": 0.25, "ok": true, "raw": []byte{0, 1, 0x7F, 0x80, 0xFF},
		"id": [4]byte{'a', 'b', 0, 0xFE}, "color": "GREEN", "tags": []any{"x", "y"},
		"attrs": map[string]any{"k": int64(-7)}, "addr": map[string]any{"com.acme.Address": map[string]any{"city": "Oslo"}},
		"choice": map[string]any{"com.acme.Id": [4]byte{1, 2, 3, 4}},
		"born":   time.Date(2001, 2, 3, 0, 0, 0, 0, time.UTC), "at": at,
		"atUs": map[string]any{"long.timestamp-micros": time.UnixMicro(1_700_000_000_123_456).UTC()},
		"tod":  1500 * time.Millisecond, "price": big.NewRat(-12345, 100), "money": big.NewRat(5, 4),
		"nick": nil, "level": 9,
	}
	b, err := hamba.Marshal(s, v)
	if err != nil {
		t.Fatal(err)
	}
	var decoded any
	if err := hamba.Unmarshal(s, b, &decoded); err != nil {
		t.Fatal(err)
	}
	return decoded, b
}

func TestJSONTreeRoundTrip(t *testing.T) {
	s := hamba.MustParse(everything)
	v, encoded := aPerson(t, s)
	tree, err := avro.ToJSONTree(s, v)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"name": "ann", "ssn": "123-45-6789", "age": 42, "big": int64(1) << 60,
		"score": float32(1.5), "ratio": 0.25, "ok": true, "raw": "\x00\x01\x7f\u0080\u00ff",
		"id": "ab\x00\u00fe", "color": "GREEN", "tags": []any{"x", "y"},
		"attrs": map[string]any{"k": int64(-7)}, "addr": map[string]any{"com.acme.Address": map[string]any{"city": "Oslo"}},
		"choice": map[string]any{"com.acme.Id": "\x01\x02\x03\x04"},
		"born":   11356, "at": int64(1_700_000_000_123),
		"atUs": int64(1_700_000_000_123_456),
		"tod":  1500, "price": "\u00cf\u00c7",
		"nick": nil, "level": 9,
	}
	want["money"] = "\x00\x00\x00\x00\x00\x00\x30\u00d4"
	if d := cmp.Diff(want, tree); d != "" {
		t.Fatalf("tree (-want +got):\n%s", d)
	}
	if _, err := json.Marshal(tree); err != nil {
		t.Fatalf("the tree is not JSON: %v", err)
	}
	back, err := avro.FromJSONTree(s, tree)
	if err != nil {
		t.Fatal(err)
	}
	again, err := hamba.Marshal(s, back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, encoded) {
		t.Fatalf("the tree encodes as\n%x\nnot\n%x", again, encoded)
	}
}

// What a migration typically hands back: numbers as JSONata computes them (float64) or as
// JSON decodes them, unions unwrapped as Python's serdes write them, null fields left out.
func TestFromJSONTreeTakesWhatMigrationsMake(t *testing.T) {
	s := hamba.MustParse(everything)
	tree := map[string]any{
		"name": "bob", "ssn": "999", "age": float64(7), "big": json.Number("9007199254740993"),
		"score": 2, "ratio": json.Number("0.5"), "ok": false, "raw": "", "id": "abcd", "color": "RED",
		"tags": []any{}, "attrs": map[string]any{}, "choice": float64(12), "born": 0, "at": float64(0),
		"tod": 0, "price": "\x01", "money": "\x00\x00\x00\x00\x00\x00\x00\x01",
		"extra": "dropped",
	}
	v, err := avro.FromJSONTree(s, tree)
	if err != nil {
		t.Fatal(err)
	}
	b, err := hamba.Marshal(s, v)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := hamba.Unmarshal(s, b, &got); err != nil {
		t.Fatal(err)
	}
	for field, want := range map[string]any{
		"ssn": "999", "age": 7, "big": int64(9007199254740993), "score": float32(2),
		"choice": map[string]any{"long": int64(12)}, "addr": nil, "atUs": nil, "nick": nil, "level": 3,
	} {
		if d := cmp.Diff(want, got[field]); d != "" {
			t.Errorf("%s (-want +got):\n%s", field, d)
		}
	}
}

func TestFromJSONTreeErrors(t *testing.T) {
	s := hamba.MustParse(`{"type":"record","name":"R","fields":[
		{"name":"n","type":"int"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}},
		{"name":"b","type":"bytes"},{"name":"f","type":{"type":"fixed","name":"F","size":2}},
		{"name":"u","type":["int","boolean"]}]}`)
	ok := map[string]any{"n": 1, "e": "A", "b": "", "f": "ab", "u": true}
	if _, err := avro.FromJSONTree(s, ok); err != nil {
		t.Fatalf("a good tree: %v", err)
	}
	for field, bad := range map[string]any{
		"n": 1.5, "e": "B", "b": "\u0100", "f": "abc", "u": "x",
	} {
		tree := map[string]any{}
		for k, v := range ok {
			tree[k] = v
		}
		tree[field] = bad
		if _, err := avro.FromJSONTree(s, tree); err == nil || !strings.Contains(err.Error(), "$."+field) {
			t.Errorf("%s = %#v: error %v, want one naming $.%s", field, bad, err, field)
		}
	}
	if _, err := avro.FromJSONTree(s, map[string]any{"e": "A", "b": "", "f": "ab", "u": 1}); err == nil {
		t.Error("a required field left out was accepted")
	}
	if _, err := avro.FromJSONTree(s, map[string]any{"n": 3e9, "e": "A", "b": "", "f": "ab", "u": 1}); err == nil {
		t.Error("an int out of range was accepted")
	}
}
