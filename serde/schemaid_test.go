package serde

import (
	"strings"
	"testing"
)

var guidA = [16]byte{0xb0, 0x40, 0xdb, 0x4b, 0xfd, 0xae, 0x23, 0xea, 0x4a, 0x07, 0x95, 0xf3, 0x97, 0x3b, 0x98, 0xc8}

func TestParseGUID(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"b040db4b-fdae-23ea-4a07-95f3973b98c8", "B040DB4B-FDAE-23EA-4A07-95F3973B98C8"} {
		if g, err := ParseGUID(s); err != nil || g != guidA {
			t.Errorf("ParseGUID(%q) = %x, %v; want %x, nil", s, g, err, guidA)
		}
	}
	for _, s := range []string{
		"",
		"b040db4bfdae23ea4a0795f3973b98c8",        // no dashes
		"b040db4b-fdae-23ea-4a07-95f3973b98c",     // one digit short
		"b040db4b-fdae-23ea-4a07-95f3973b98c8a",   // one digit long
		"b040db4bf-dae-23ea-4a07-95f3973b98c8",    // dash misplaced
		"b040db4b-fdae-23ea-4a07-95f3973b98cg",    // not hex
		"{040db4b-fdae-23ea-4a07-95f3973b98c}",    // braces
		"b040db4b-fdae-23ea-4a07+95f3973b98c8",    // wrong separator
		"urn:uuid:b040db4b-fdae-23ea-4a07-95f397", // a prefix
	} {
		if g, err := ParseGUID(s); err == nil || g != [16]byte{} || !strings.HasPrefix(err.Error(), "serde: invalid GUID") {
			t.Errorf("ParseGUID(%q) = %x, %v; want zero and a serde: invalid GUID error", s, g, err)
		}
	}
}

func TestSchemaIDString(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		id   SchemaID
		want string
	}{
		{IDOf(7), "id 7"},
		{IDOf(0), "id 0"},
		{IDOf(-1), "id -1"},
		{IDOf(2147483647), "id 2147483647"},
		{GUIDOf(guidA), "guid b040db4b-fdae-23ea-4a07-95f3973b98c8"},
		{GUIDOf([16]byte{}), "guid 00000000-0000-0000-0000-000000000000"},
	} {
		if got := c.id.String(); got != c.want {
			t.Errorf("%#v.String() = %q, want %q", c.id, got, c.want)
		}
	}
}

// TestSchemaIDComparable checks that constructors give values that compare equal for the
// same schema, so that a SchemaID works as a cache key.
func TestSchemaIDComparable(t *testing.T) {
	t.Parallel()
	id, _, err := DecodePrefix([]byte{0, 0, 0, 0, 7})
	if err != nil || id != IDOf(7) {
		t.Errorf("DecodePrefix(id 7) = %#v, %v; want IDOf(7)", id, err)
	}
	g, _, err := DecodePrefix(AppendPrefix(nil, GUIDOf(guidA)))
	if err != nil || g != GUIDOf(guidA) || g == IDOf(0) {
		t.Errorf("DecodePrefix(guid A) = %#v, %v; want GUIDOf(guid A)", g, err)
	}
	if s, err := ParseGUID(GUIDOf(guidA).String()[len("guid "):]); err != nil || s != guidA {
		t.Errorf("ParseGUID(String()) = %x, %v; want %x", s, err, guidA)
	}
}
