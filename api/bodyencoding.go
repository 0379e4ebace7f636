package api

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonText returns a request body as UTF-8, decoded as Jackson decodes a byte stream: Confluent's
// JAX-RS provider hands Jackson the raw bytes, ignoring any charset parameter of the
// Content-Type, and Jackson's ByteSourceJsonBootstrapper picks the encoding from the first four
// bytes: a byte order mark (UTF-8, UTF-16 or UTF-32, skipped), else the zero bytes of RFC 4627
// §3 (JSON text starts with two ASCII characters), else UTF-8.
func jsonText(data []byte) ([]byte, error) {
	switch enc, skip := detectEncoding(data); enc {
	case encUTF8:
		return data[skip:], nil
	case encUTF16BE, encUTF16LE:
		return fromUTF16(data[skip:], byteOrder(enc == encUTF16BE)), nil
	case encUTF32BE, encUTF32LE:
		return fromUTF32(data[skip:], byteOrder(enc == encUTF32BE))
	default:
		return nil, fmt.Errorf("unsupported UCS-4 endianness (%s) detected", enc)
	}
}

type encoding string

const (
	encUTF8    encoding = "UTF-8"
	encUTF16BE encoding = "UTF-16BE"
	encUTF16LE encoding = "UTF-16LE"
	encUTF32BE encoding = "UTF-32BE"
	encUTF32LE encoding = "UTF-32LE"
	encUCS2143 encoding = "2143"
	encUCS3412 encoding = "3412"
)

// detectEncoding is ByteSourceJsonBootstrapper.detectEncoding: the encoding and the length of
// its byte order mark.
func detectEncoding(b []byte) (encoding, int) {
	if len(b) >= 4 {
		quad := binary.BigEndian.Uint32(b)
		if enc, skip, ok := bomEncoding(quad); ok {
			return enc, skip
		}
		switch {
		case quad>>8 == 0:
			return encUTF32BE, 0
		case quad&0x00FFFFFF == 0:
			return encUTF32LE, 0
		case quad&^0x00FF0000 == 0:
			return encUCS3412, 0
		case quad&^0x0000FF00 == 0:
			return encUCS2143, 0
		}
		return utf16Pattern(uint16(quad >> 16)), 0
	}
	if len(b) >= 2 {
		return utf16Pattern(binary.BigEndian.Uint16(b)), 0
	}
	return encUTF8, 0
}

// bomEncoding recognises a byte order mark at the start of quad, the first four bytes.
func bomEncoding(quad uint32) (encoding, int, bool) {
	switch quad {
	case 0x0000FEFF:
		return encUTF32BE, 4, true
	case 0xFFFE0000:
		return encUTF32LE, 4, true
	case 0x0000FFFE:
		return encUCS2143, 0, true
	case 0xFEFF0000:
		return encUCS3412, 0, true
	}
	switch quad >> 16 {
	case 0xFEFF:
		return encUTF16BE, 2, true
	case 0xFFFE:
		return encUTF16LE, 2, true
	}
	if quad>>8 == 0xEFBBBF {
		return encUTF8, 3, true
	}
	return "", 0, false
}

// utf16Pattern reads the first two bytes: a zero byte next to an ASCII one is UTF-16.
func utf16Pattern(first uint16) encoding {
	switch {
	case first&0xFF00 == 0:
		return encUTF16BE
	case first&0x00FF == 0:
		return encUTF16LE
	}
	return encUTF8
}

func byteOrder(big bool) binary.ByteOrder {
	if big {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// fromUTF16 decodes as Java's InputStreamReader does: an unpaired surrogate or a trailing odd
// byte becomes U+FFFD.
func fromUTF16(b []byte, order binary.ByteOrder) []byte {
	units := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		units = append(units, order.Uint16(b[i:]))
	}
	out := []byte(string(utf16.Decode(units)))
	if len(b)%2 != 0 {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	return out
}

// fromUTF32 decodes as Jackson's UTF32Reader does: a code point past U+10FFFF or a truncated
// last character is an error.
func fromUTF32(b []byte, order binary.ByteOrder) ([]byte, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("unexpected EOF in the middle of a 4-byte UTF-32 char")
	}
	out := make([]byte, 0, len(b)/4)
	for i := 0; i < len(b); i += 4 {
		r := order.Uint32(b[i:])
		if r > utf8.MaxRune {
			return nil, fmt.Errorf("invalid UTF-32 character 0x%x (above 0x10ffff)", r)
		}
		out = utf8.AppendRune(out, rune(r))
	}
	return out, nil
}
