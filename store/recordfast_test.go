package store

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// recordScanSeeds are keys and SCHEMA values as registries write them, and odd ones: the
// first group must scan, the second must be left to encoding/json.
var (
	scannedKeys = []string{
		`{"keytype":"SCHEMA","subject":"orders-value","version":3,"magic":1}`,
		`{"keytype":"NOOP","magic":0}`,
		`{"keytype":"CONFIG","subject":null,"magic":0}`,
		`{"keytype":"CONTEXT","tenant":"default","context":".ctx","magic":0}`,
		` { "magic" : 1 , "version" : -2 , "keytype" : "MODE" , "subject" : "a\"b\\c\/d\u00e9\n" } `,
		`{"keytype":"SCHEMA","subject":":.ctx:é-value","version":0,"magic":1}`,
		`{"keytype":"SCHEMA","subject":"\ud83d\ude00","version":1}`, // a surrogate pair: one rune
	}
	fallbackKeys = []string{
		`{"keytype":"SCHEMA","subject":"s","version":1,"magic":1,"extra":1}`,
		`{"KeyType":"SCHEMA","subject":"s","version":1,"magic":1}`,
		`{"keytype":"SCHEMA","keytype":"NOOP"}`,
		`{"keytype":"OTHER","magic":0}`,
		`{"keytype":"SCHEMA","subject":"s","version":1.0}`,
		`{"keytype":"SCHEMA","subject":"s","version":1e2}`,
		`{"keytype":"SCHEMA","subject":"s","version":99999999999999999999}`,
		`{"keytype":"SCHEMA","subject":"s","version":01}`,
		`{"keytype":"SCHEMA","subject":"s\xff","version":1}`,
		`{"keytype":"SCHEMA","subject":"s"} x`,
		`{"keytype":"SCHEMA","subject":"s",}`,
		`{"keytype":"SCHEMA","subject":"s\x01"}`,
		`{"keytype":"SCHEMA","subject":"s\q"}`,
		`{"keytype":"SCHEMA","subject":"\ud83d","version":1}`, // a lone surrogate: U+FFFD
		`{"keytype":"SCHEMA","version":"1"}`,
		`{"keytype":"NOOP"`,
		`[]`,
	}
	scannedValues = []string{
		`{"subject":"orders-value","version":3,"id":7,"schema":"{\"type\":\"string\"}","deleted":false}`,
		`{"subject":"orders-value","version":3,"id":7,"schemaType":"PROTOBUF","schema":"syntax = \"proto3\";\n","deleted":true}`,
		`{"subject":"other","version":3,"id":7,"schemaType":"XML","references":null,"metadata":null,"ruleSet":null,"schema":"x"}`,
		`{"subject":null,"version":null,"id":1,"schemaType":null,"schema":null,"deleted":null}`,
		`{}`,
	}
	fallbackValues = []string{
		`{"subject":"s","version":1,"id":1,"references":[{"name":"a","subject":"b","version":1}],"schema":"x","deleted":false}`,
		`{"subject":"s","version":1,"id":1,"references":[],"schema":"x"}`,
		`{"subject":"s","version":1,"id":1,"metadata":{"properties":{"a":"b"}},"schema":"x"}`,
		`{"subject":"s","version":1,"id":1,"schema":"x","md5":"AAAA"}`,
		`{"subject":"s","version":1,"id":1,"schema":"x","schema":"y"}`,
		`{"subject":"s","version":1,"id":1,"schema":"x","deleted":"false"}`,
		`{"subject":"s","version":1,"id":1,"Schema":"x"}`,
	}
)

// TestScanKeyMatchesJSON checks that keys in the shapes registries write are scanned, that
// odd ones are left to encoding/json, and that a scanned key is what encoding/json decodes.
func TestScanKeyMatchesJSON(t *testing.T) {
	for _, in := range scannedKeys {
		got, ok := scanKey([]byte(in))
		if !ok {
			t.Errorf("scanKey(%s) left it to encoding/json", in)
			continue
		}
		want, err := decodeKeyJSON([]byte(in))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("scanKey(%s) = %+v, encoding/json: %+v, %v", in, got, want, err)
		}
	}
	for _, in := range fallbackKeys {
		if got, ok := scanKey([]byte(in)); ok {
			t.Errorf("scanKey(%s) = %+v, want it left to encoding/json", in, got)
		}
	}
}

// TestScanSchemaValueMatchesJSON does the same for SCHEMA values, and checks that the value's
// subject shares the key's string.
func TestScanSchemaValueMatchesJSON(t *testing.T) {
	for _, in := range scannedValues {
		var got schemaValue
		if !scanSchemaValue([]byte(in), "orders-value", &got) {
			t.Errorf("scanSchemaValue(%s) left it to encoding/json", in)
			continue
		}
		var want schemaValue
		if err := json.Unmarshal([]byte(in), &want); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("scanSchemaValue(%s) = %+v, encoding/json: %+v, %v", in, got, want, err)
		}
	}
	for _, in := range fallbackValues {
		var got schemaValue
		if scanSchemaValue([]byte(in), "s", &got) {
			t.Errorf("scanSchemaValue(%s) = %+v, want it left to encoding/json", in, got)
		}
	}
}

// TestScanAllocations checks that scanning a SCHEMA key allocates only its subject, and a
// SCHEMA value only its text: the point of the scanner is a replay the garbage collector
// barely notices.
func TestScanAllocations(t *testing.T) {
	key := []byte(scannedKeys[0])
	value := []byte(scannedValues[0])
	if n := testing.AllocsPerRun(100, func() { _, _ = scanKey(key) }); n > 1 {
		t.Errorf("scanKey allocates %v times, want 1 (the subject)", n)
	}
	var v schemaValue
	if n := testing.AllocsPerRun(100, func() { _ = scanSchemaValue(value, "orders-value", &v) }); n > 1 {
		t.Errorf("scanSchemaValue allocates %v times, want 1 (the text)", n)
	}
}

// FuzzScanRecord feeds arbitrary bytes to the scanners. Invariant: whatever they scan,
// encoding/json decodes without error to the same key or value; they never panic.
func FuzzScanRecord(f *testing.F) {
	for _, s := range append(append(scannedKeys, fallbackKeys...), append(scannedValues, fallbackValues...)...) {
		f.Add([]byte(s))
	}
	// schema texts whose escaped quotes, other escapes, control characters and invalid
	// UTF-8 fall at each position of the scanner's eight-byte words
	for pad := range 8 {
		for _, text := range []string{`\"a\":\"b\\\"c\"`, `\"\\u00e9\\n\"\u00e9\t`, "\\\"ab\x01cd\\\"", "\\\"a\xffb\\\"", `\"\/\"\ud83d\ude00`} {
			f.Add(fmt.Appendf(nil, `{"subject":"s","version":1,"id":1,"schema":"%s%s","deleted":false}`, strings.Repeat("x", pad), text))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, ok := scanKey(data); ok {
			want, err := decodeKeyJSON(data)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("scanKey(%q) = %+v, encoding/json: %+v, %v", data, got, want, err)
			}
		}
		var got schemaValue
		if scanSchemaValue(data, "s", &got) {
			var want schemaValue
			if err := json.Unmarshal(data, &want); err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("scanSchemaValue(%q) = %+v, encoding/json: %+v, %v", data, got, want, err)
			}
		}
	})
}
