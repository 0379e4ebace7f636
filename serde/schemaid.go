package serde

import (
	"encoding/hex"
	"fmt"
	"strconv"
)

// SchemaID names the schema a record was written with: a numeric id (the classic prefix,
// magic 0) or a GUID (Confluent Platform 8's format, magic 1).
//
// Build one with [IDOf] or [GUIDOf]: they leave the unused field zero, so two SchemaIDs for the
// same schema compare equal with ==, and a SchemaID can be a map key.
type SchemaID struct {
	ID     int32    // when !IsGUID
	GUID   [16]byte // when IsGUID (most-significant byte first, as in the UUID text)
	IsGUID bool
}

// IDOf returns the SchemaID for a registry's numeric schema id. The wire carries any int32,
// so ids are not checked here; registries hand out positive ones.
func IDOf(id int32) SchemaID { return SchemaID{ID: id} }

// GUIDOf returns the SchemaID for a schema GUID (the registry's "guid" field, see [ParseGUID]).
func GUIDOf(guid [16]byte) SchemaID { return SchemaID{GUID: guid, IsGUID: true} }

// guidTextLen is the length of "b040db4b-fdae-23ea-4a07-95f3973b98c8".
const guidTextLen = 36

// ParseGUID parses a GUID in the registry's text form, 32 hex digits in groups of 8-4-4-4-12
// separated by dashes, as in "b040db4b-fdae-23ea-4a07-95f3973b98c8". Upper-case digits are
// accepted. The first byte of the result is the first two digits, which is the order the
// GUID travels in on the wire.
func ParseGUID(s string) ([16]byte, error) {
	var g [16]byte
	if len(s) != guidTextLen || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return g, fmt.Errorf("serde: invalid GUID %q: want 8-4-4-4-12 hex digits", s)
	}
	src := []byte(s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:])
	if _, err := hex.Decode(g[:], src); err != nil {
		return [16]byte{}, fmt.Errorf("serde: invalid GUID %q: %v", s, err)
	}
	return g, nil
}

// formatGUID returns the registry's text form of a GUID: lower-case, dashed.
func formatGUID(g [16]byte) string {
	var b [guidTextLen]byte
	hex.Encode(b[0:8], g[0:4])
	hex.Encode(b[9:13], g[4:6])
	hex.Encode(b[14:18], g[6:8])
	hex.Encode(b[19:23], g[8:10])
	hex.Encode(b[24:], g[10:])
	b[8], b[13], b[18], b[23] = '-', '-', '-', '-'
	return string(b[:])
}

// String returns "id 7" or "guid b040db4b-fdae-23ea-4a07-95f3973b98c8", for logs and errors.
func (s SchemaID) String() string {
	if s.IsGUID {
		return "guid " + formatGUID(s.GUID)
	}
	return "id " + strconv.FormatInt(int64(s.ID), 10)
}
