package api

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// quickBodies are bodies the quick decoder takes: the shapes clients send to register and
// look up schemas, with the JSON variations their encoders produce.
var quickBodies = []string{
	`{}`,
	`{"schema":"\"string\""}`,
	`{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}"}`,
	`{"schema":"syntax = \"proto3\";\nmessage M {\n  string s = 1;\n}\n","schemaType":"PROTOBUF"}`,
	` { "schemaType" : "JSON" ,	"schema" : "{\"type\":\"object\"}" , "references" : [ ] }` + "\r\n",
	`{"schema":"\"string\"","schemaType":null,"references":[]}`,
	`{"schema":null}`,
	`{"schema":"caf\u00e9 \u20ac \ud83d\ude00 \/ \\ \b\f\n\r\t"}`,
	`{"schema":"é ✓ 😀"}`,
	`{"schema":""}`,
}

// slowBodies are bodies the quick decoder leaves to encoding/json, which decodes them (or
// reports them) as it always has.
var slowBodies = []string{
	`{"Schema":"\"string\""}`,                  // encoding/json matches keys without case
	`{"schema":"\"int\"","schema":"\"long\""}`, // a repeated key: the last one counts
	`{"schema":"\"string\"","version":1}`,
	`{"schema":"\"string\"","id":1}`,
	`{"schema":"\"string\"","metadata":{"properties":{"a":"b"}}}`,
	`{"schema":"\"string\"","ruleSet":null}`,
	`{"schema":"\"string\"","references":[{"name":"a","subject":"b","version":1}]}`,
	`{"schema":"\"string\"","unknown":true}`,
	`{"schema":1}`,
	`{"schema":"\"string\""} x`,
	`{"schema":"\"string\"",}`,
	`{"schema":"\ud83d"}`,   // a lone surrogate, which encoding/json replaces
	"{\"schema\":\"a\tb\"}", // a raw control character: invalid JSON
	`{"sch\u0065ma":"\"string\""}`,
	`["schema"]`,
	`{"schema":"\"string\""`,
	`null`,
	"\v{}",
}

func TestQuickSchemaRequestAgreesWithEncodingJSON(t *testing.T) {
	for _, body := range quickBodies {
		got, ok := quickSchemaRequest([]byte(body))
		if !ok {
			t.Errorf("%s: left to encoding/json, want decoded quickly", body)
			continue
		}
		var want schemaRequest
		if err := json.Unmarshal([]byte(body), &want); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: decoded %s, encoding/json %s", body, describeRequest(got), describeRequest(want))
		}
	}
	for _, body := range slowBodies {
		if got, ok := quickSchemaRequest([]byte(body)); ok {
			t.Errorf("%s: decoded quickly as %s, want it left to encoding/json", body, describeRequest(got))
		}
	}
}

// TestQuickSchemaRequestAllocatesItsStringsOnly: a body with a schema and its type costs the
// two strings and the two pointers to them, whatever the schema's length and escapes.
func TestQuickSchemaRequestAllocatesItsStringsOnly(t *testing.T) {
	body := []byte(`{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}","schemaType":"AVRO"}`)
	allocs := testing.AllocsPerRun(100, func() {
		if _, ok := quickSchemaRequest(body); !ok {
			t.Fatal("left to encoding/json")
		}
	})
	if allocs > 4 {
		t.Errorf("%.0f allocations, want at most 4", allocs)
	}
}

// FuzzQuickSchemaRequest: whatever the quick decoder takes, encoding/json takes too and decodes
// to the same request. Bodies reach the decoder as valid UTF-8 (decodeBody checks first).
func FuzzQuickSchemaRequest(f *testing.F) {
	for _, body := range append(quickBodies, slowBodies...) {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !utf8.Valid(body) {
			return
		}
		got, ok := quickSchemaRequest(body)
		if !ok {
			return
		}
		var want schemaRequest
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatalf("%q: decoded quickly as %s, but encoding/json says %v", body, describeRequest(got), err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: decoded %s, encoding/json %s", body, describeRequest(got), describeRequest(want))
		}
	})
}

func describeRequest(r schemaRequest) string {
	b, _ := json.Marshal(r)
	return string(b)
}

// BenchmarkSchemaRequestDecoding compares the quick decoder with encoding/json on a lookup
// body of a ten-field record:
//
//	go test -run '^$' -bench SchemaRequestDecoding ./api
func BenchmarkSchemaRequestDecoding(b *testing.B) {
	text := `{"type":"record","name":"R","namespace":"bench_1_value","fields":[{"name":"id","type":"long"}`
	for i := 0; i < 10; i++ {
		text += fmt.Sprintf(`,{"name":"f%d","type":["null","string"],"default":null}`, i)
	}
	body, _ := json.Marshal(map[string]string{"schema": text + "]}"})
	b.Run("quick", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := quickSchemaRequest(body); !ok {
				b.Fatal("left to encoding/json")
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r schemaRequest
			if err := json.Unmarshal(body, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestQuickSchemaRequestRoundTripsEncodedStrings decodes schema texts of random characters
// (quotes, backslashes, control characters, non-ASCII, astral) as encoding/json encodes them
// and as \u escapes throughout: each comes back as it was.
func TestQuickSchemaRequestRoundTripsEncodedStrings(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 17))
	alphabet := []rune{'"', '\\', '/', '\n', '\t', 0, 0x1f, 'a', 'z', ' ', '{', '}', 'é', '€', 0x2028, 0xfffd, 0x1f600, 0x10ffff}
	for n := 0; n < 2000; n++ {
		runes := make([]rune, rng.IntN(40))
		for i := range runes {
			runes[i] = alphabet[rng.IntN(len(alphabet))]
		}
		text := string(runes)
		encoded, _ := json.Marshal(map[string]string{"schema": text})
		var escaped strings.Builder
		escaped.WriteString(`{"schema":"`)
		for _, r := range text {
			for _, unit := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&escaped, `\u%04X`, unit)
			}
		}
		escaped.WriteString(`"}`)
		for _, body := range []string{string(encoded), escaped.String()} {
			got, ok := quickSchemaRequest([]byte(body))
			if !ok || got.Schema == nil || *got.Schema != text {
				t.Fatalf("%s: decoded %s (ok %v), want %q", body, describeRequest(got), ok, text)
			}
		}
	}
}
