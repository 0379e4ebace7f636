package api

import (
	"bytes"
	"encoding/binary"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestBodyEncodings checks that a JSON body is decoded as Jackson's ByteSourceJsonBootstrapper
// decodes it: the encoding is detected from the first four bytes (a BOM, or the pattern of zero
// bytes of RFC 4627 §3), and a charset parameter of the Content-Type is ignored, as Jackson's
// JAX-RS provider hands Jackson the raw bytes.
func TestBodyEncodings(t *testing.T) {
	e := New(Config{Store: openTestStore(t), Logger: testLogger(t)})
	const want = `"id":1,`
	for _, tc := range []struct {
		name, contentType string
		body              []byte
	}{
		{"utf-8", v1JSON, []byte(schemaInt)},
		{"utf-8 BOM", v1JSON, append([]byte{0xEF, 0xBB, 0xBF}, schemaInt...)},
		{"utf-16be", v1JSON, encodeUTF16(schemaInt, binary.BigEndian, false)},
		{"utf-16le", v1JSON, encodeUTF16(schemaInt, binary.LittleEndian, false)},
		{"utf-16be BOM", v1JSON, encodeUTF16(schemaInt, binary.BigEndian, true)},
		{"utf-16le BOM", v1JSON, encodeUTF16(schemaInt, binary.LittleEndian, true)},
		{"utf-32be", v1JSON, encodeUTF32(schemaInt, binary.BigEndian, false)},
		{"utf-32le", v1JSON, encodeUTF32(schemaInt, binary.LittleEndian, false)},
		{"utf-32be BOM", v1JSON, encodeUTF32(schemaInt, binary.BigEndian, true)},
		{"utf-32le BOM", v1JSON, encodeUTF32(schemaInt, binary.LittleEndian, true)},
		{"utf-16le, charset ignored", "application/json; charset=ISO-8859-1", encodeUTF16(schemaInt, binary.LittleEndian, false)},
		{"utf-8, charset utf-16 ignored", "application/json; charset=UTF-16", []byte(schemaInt)},
	} {
		rec := postBody(e, "/subjects/s/versions", tc.contentType, tc.body)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s: %d %s, want 200 %s", tc.name, rec.Code, rec.Body.String(), want)
		}
	}
}

// TestBodyEncodingErrors checks the bodies Jackson refuses: code points past U+10FFFF in
// UTF-32 and the unusual UCS-4 byte orders 2143 and 3412.
func TestBodyEncodingErrors(t *testing.T) {
	e := New(Config{Store: openTestStore(t), Logger: testLogger(t)})
	for _, tc := range []struct {
		name string
		body []byte
	}{
		{"utf-32 past U+10FFFF", append(encodeUTF32(`{"schema":"`, binary.BigEndian, false), 0x00, 0x11, 0x00, 0x00)},
		{"ucs-4 2143", []byte{0x00, 0x00, 0x7B, 0x00, 0x00, 0x00, 0x7D, 0x00}},
		{"ucs-4 3412", []byte{0x00, 0x7B, 0x00, 0x00, 0x00, 0x7D, 0x00, 0x00}},
		{"invalid utf-8", []byte("{\"schema\":\"\xff\"}")},
	} {
		rec := postBody(e, "/subjects/s/versions", v1JSON, tc.body)
		if rec.Code != 400 {
			t.Errorf("%s: %d %s, want 400", tc.name, rec.Code, rec.Body.String())
		}
	}
}

func postBody(h http.Handler, target, contentType string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", target, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func encodeUTF16(s string, order binary.ByteOrder, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	var b bytes.Buffer
	for _, u := range units {
		_ = binary.Write(&b, order, u)
	}
	return b.Bytes()
}

func encodeUTF32(s string, order binary.ByteOrder, bom bool) []byte {
	runes := []rune(s)
	if bom {
		runes = append([]rune{0xFEFF}, runes...)
	}
	var b bytes.Buffer
	for _, r := range runes {
		_ = binary.Write(&b, order, uint32(r))
	}
	return b.Bytes()
}
