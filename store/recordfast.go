package store

import (
	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/internal/jsonsubset"
)

// The members scanKey and scanSchemaValue know, one bit each, so that a member seen twice
// goes to encoding/json (which keeps the last, or merges).
const (
	memberKeyType = 1 << iota
	memberSubject
	memberVersion
	memberMagic
	memberTenant
	memberContext
	memberID
	memberSchemaType
	memberReferences
	memberMetadata
	memberRuleSet
	memberSchema
	memberDeleted
)

// scanKey decodes a `_schemas` key as decodeKey does, for the shapes jsonsubset reads (exact
// member names, each at most once) and the key types Accord knows; ok false means: decode it
// with encoding/json, so that odd keys behave as they always did.
func scanKey(data []byte) (recordKey, bool) {
	s := jsonsubset.New(data)
	var k recordKey
	seen := 0
	ok := s.Object(func(name []byte) (ok bool) {
		bit := keyMember(name)
		if bit == 0 || seen&bit != 0 {
			return false
		}
		seen |= bit
		if s.Null() {
			return true // encoding/json leaves the field as it is: zero
		}
		switch bit {
		case memberKeyType:
			k.Type = scanKeyType(&s)
			return k.Type != ""
		case memberVersion:
			k.Version, ok = s.Int()
		case memberMagic:
			k.Magic, ok = s.Int()
		case memberSubject:
			k.Subject, ok = s.Text()
		case memberTenant:
			k.Tenant, ok = s.Text()
		case memberContext:
			k.Context, ok = s.Text()
		}
		return ok
	})
	return k, ok && k.Type != ""
}

func keyMember(name []byte) int {
	switch string(name) {
	case "keytype":
		return memberKeyType
	case "subject":
		return memberSubject
	case "version":
		return memberVersion
	case "magic":
		return memberMagic
	case "tenant":
		return memberTenant
	case "context":
		return memberContext
	}
	return 0
}

// scanKeyType reads a key type Accord knows, or returns "".
func scanKeyType(s *jsonsubset.Scanner) keyType {
	name, ok := s.PlainString()
	if !ok {
		return ""
	}
	for _, t := range [...]keyType{keySchema, keyConfig, keyMode, keyNoop, keyDeleteSubject, keyClearSubject, keyContext, keyAssociation} {
		if string(name) == string(t) {
			return t
		}
	}
	return ""
}

// scanSchemaValue decodes a SCHEMA value into v as encoding/json would, for the shapes
// jsonsubset reads and values without references, metadata or rule set (null ones are
// fine); ok false means: decode it with encoding/json, into a fresh value. The value's
// subject shares subject's string when it is the same, as it always is.
func scanSchemaValue(data []byte, subject string, v *schemaValue) bool {
	s := jsonsubset.New(data)
	seen := 0
	return s.Object(func(name []byte) bool {
		bit := schemaValueMember(name)
		if bit == 0 || seen&bit != 0 {
			return false
		}
		seen |= bit
		if s.Null() {
			return true
		}
		return scanSchemaValueMember(&s, bit, subject, v)
	})
}

// scanSchemaValueMember reads the value of the member bit names into v.
func scanSchemaValueMember(s *jsonsubset.Scanner, bit int, subject string, v *schemaValue) (ok bool) {
	switch bit {
	case memberSubject:
		if b, plain := s.PlainString(); plain && string(b) == subject {
			v.Subject, ok = subject, true
		} else if plain {
			v.Subject, ok = string(b), true
		} else {
			v.Subject, ok = s.Text()
		}
	case memberVersion:
		v.Version, ok = s.Int()
	case memberID:
		v.ID, ok = s.Int()
	case memberSchemaType:
		v.SchemaType, ok = scanSchemaType(s)
	case memberSchema:
		v.Schema, ok = s.Text()
	case memberDeleted:
		v.Deleted, ok = s.Bool()
	}
	return ok // references, metadata and ruleSet that are not null are left to encoding/json
}

func schemaValueMember(name []byte) int {
	switch string(name) {
	case "subject":
		return memberSubject
	case "version":
		return memberVersion
	case "id":
		return memberID
	case "schemaType":
		return memberSchemaType
	case "references":
		return memberReferences
	case "metadata":
		return memberMetadata
	case "ruleSet":
		return memberRuleSet
	case "schema":
		return memberSchema
	case "deleted":
		return memberDeleted
	}
	return 0
}

// scanSchemaType reads a schema type, sharing the constant's string for the types Confluent
// knows.
func scanSchemaType(s *jsonsubset.Scanner) (compat.SchemaType, bool) {
	b, ok := s.PlainString()
	if !ok {
		text, ok := s.Text()
		return compat.SchemaType(text), ok
	}
	switch string(b) {
	case string(compat.TypeAvro):
		return compat.TypeAvro, true
	case string(compat.TypeJSON):
		return compat.TypeJSON, true
	case string(compat.TypeProtobuf):
		return compat.TypeProtobuf, true
	}
	return compat.SchemaType(b), true
}
