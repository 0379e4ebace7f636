package store

import (
	"github.com/accord-registry/accord/compat"
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

// scanKey decodes a `_schemas` key as decodeKey does, for the shapes flatScanner reads and
// the key types Accord knows; ok false means: decode it with encoding/json.
func scanKey(data []byte) (recordKey, bool) {
	s := flatScanner{data: data}
	var k recordKey
	seen := 0
	ok := s.object(func(name []byte) (ok bool) {
		bit := keyMember(name)
		if bit == 0 || seen&bit != 0 {
			return false
		}
		seen |= bit
		if s.null() {
			return true // encoding/json leaves the field as it is: zero
		}
		switch bit {
		case memberKeyType:
			k.Type = s.keyType()
			return k.Type != ""
		case memberVersion:
			k.Version, ok = s.integer()
		case memberMagic:
			k.Magic, ok = s.integer()
		case memberSubject:
			k.Subject, ok = s.str()
		case memberTenant:
			k.Tenant, ok = s.str()
		case memberContext:
			k.Context, ok = s.str()
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

// keyType reads a key type Accord knows, or returns "".
func (s *flatScanner) keyType() keyType {
	name, ok := s.plainString()
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
// flatScanner reads and values without references, metadata or rule set (null ones are
// fine); ok false means: decode it with encoding/json, into a fresh value. The value's
// subject shares subject's string when it is the same, as it always is.
func scanSchemaValue(data []byte, subject string, v *schemaValue) bool {
	s := flatScanner{data: data}
	seen := 0
	return s.object(func(name []byte) bool {
		bit := schemaValueMember(name)
		if bit == 0 || seen&bit != 0 {
			return false
		}
		seen |= bit
		if s.null() {
			return true
		}
		return s.schemaValueMember(bit, subject, v)
	})
}

// schemaValueMember reads the value of the member bit names into v.
func (s *flatScanner) schemaValueMember(bit int, subject string, v *schemaValue) (ok bool) {
	switch bit {
	case memberSubject:
		if b, plain := s.plainString(); plain && string(b) == subject {
			v.Subject, ok = subject, true
		} else if plain {
			v.Subject, ok = string(b), true
		} else {
			v.Subject, ok = s.str()
		}
	case memberVersion:
		v.Version, ok = s.integer()
	case memberID:
		v.ID, ok = s.integer()
	case memberSchemaType:
		v.SchemaType, ok = s.schemaType()
	case memberSchema:
		v.Schema, ok = s.str()
	case memberDeleted:
		v.Deleted, ok = s.boolean()
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

// schemaType reads a schema type, sharing the constant's string for the types Confluent
// knows.
func (s *flatScanner) schemaType() (compat.SchemaType, bool) {
	b, ok := s.plainString()
	if !ok {
		text, ok := s.str()
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
