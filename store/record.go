package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/accord-registry/accord/compat"
)

// keyType is the `keytype` of a `_schemas` record key.
type keyType string

// The record kinds of the `_schemas` topic that Accord reads and writes.
const (
	keySchema        keyType = "SCHEMA"
	keyConfig        keyType = "CONFIG"
	keyMode          keyType = "MODE"
	keyNoop          keyType = "NOOP"
	keyDeleteSubject keyType = "DELETE_SUBJECT"
	keyClearSubject  keyType = "CLEAR_SUBJECT"
	keyContext       keyType = "CONTEXT"
	keyAssociation   keyType = "ASSOC" // Confluent 8.2+
)

// recordKey is a decoded key. Its logical identity is (Type, Subject, Version, Context): magic
// is ignored and an absent subject equals a null one, as in Confluent's reader.
type recordKey struct {
	Type    keyType
	Subject string // qualified; "" for global records
	Version int
	Magic   int
	Tenant  string
	Context string
}

// errUnknownKey marks keys that are valid JSON but not a record kind Accord knows; the reader
// skips them rather than failing, unlike Confluent's reader which stops.
var errUnknownKey = errors.New("unknown record key type")

// encodeKey returns the exact key bytes Confluent writes (§11.2): compact JSON with a fixed
// property order, empty properties omitted. Compaction matches keys byte for byte, so these
// bytes must equal Confluent's for records to replace each other.
func encodeKey(k recordKey) []byte {
	var b bytes.Buffer
	b.WriteString(`{"keytype":`)
	writeJSONString(&b, string(k.Type))
	switch k.Type {
	case keyContext:
		b.WriteString(`,"tenant":`)
		writeJSONString(&b, "default")
		b.WriteString(`,"context":`)
		writeJSONString(&b, k.Context)
	case keySchema:
		b.WriteString(`,"subject":`)
		writeJSONString(&b, k.Subject)
		b.WriteString(`,"version":`)
		b.WriteString(strconv.Itoa(k.Version))
	default:
		if k.Subject != "" {
			b.WriteString(`,"subject":`)
			writeJSONString(&b, k.Subject)
		}
	}
	b.WriteString(`,"magic":`)
	b.WriteString(strconv.Itoa(k.magic()))
	b.WriteByte('}')
	return b.Bytes()
}

func (k recordKey) magic() int {
	if k.Type == keySchema {
		return 1
	}
	return 0
}

// decodeKey parses key bytes written by Accord, Confluent or Karapace.
func decodeKey(data []byte) (recordKey, error) {
	if k, ok := scanKey(data); ok {
		return k, nil
	}
	return decodeKeyJSON(data)
}

// decodeKeyJSON is decodeKey through encoding/json, for the keys scanKey leaves to it.
func decodeKeyJSON(data []byte) (recordKey, error) {
	var raw struct {
		KeyType string  `json:"keytype"`
		Subject *string `json:"subject"`
		Version int     `json:"version"`
		Magic   int     `json:"magic"`
		Tenant  string  `json:"tenant"`
		Context string  `json:"context"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return recordKey{}, fmt.Errorf("decode key: %w", err)
	}
	k := recordKey{Type: keyType(raw.KeyType), Version: raw.Version, Magic: raw.Magic, Tenant: raw.Tenant, Context: raw.Context}
	if raw.Subject != nil {
		k.Subject = *raw.Subject
	}
	switch k.Type {
	case keySchema, keyConfig, keyMode, keyNoop, keyDeleteSubject, keyClearSubject, keyContext, keyAssociation:
		return k, nil
	}
	return recordKey{}, fmt.Errorf("%w %q", errUnknownKey, raw.KeyType)
}

// schemaValue is the value of a SCHEMA record, fields in the order Confluent writes them.
type schemaValue struct {
	Subject    string            `json:"subject"`
	Version    int               `json:"version"`
	ID         int               `json:"id"`
	SchemaType compat.SchemaType `json:"schemaType,omitempty"`
	References []Reference       `json:"references,omitempty"`
	Metadata   *Metadata         `json:"metadata,omitempty"`
	RuleSet    *RuleSet          `json:"ruleSet,omitempty"`
	Schema     string            `json:"schema"`
	Deleted    bool              `json:"deleted"`
}

// modeValue is the value of a MODE record.
type modeValue struct {
	Subject *string `json:"subject,omitempty"`
	Mode    Mode    `json:"mode"`
}

// deleteSubjectValue soft-deletes versions 1..Version of Subject.
type deleteSubjectValue struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// clearSubjectValue drops soft-deleted versions of the matching subjects.
type clearSubjectValue struct {
	Subject *string `json:"subject,omitempty"`
}

// contextValue announces a context.
type contextValue struct {
	Tenant  string `json:"tenant"`
	Context string `json:"context"`
}

// encodeValue renders v as compact JSON without HTML escaping, as Jackson does.
func encodeValue(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Every value type above marshals; failure here is a programming error.
		panic(fmt.Sprintf("store: encode record value: %v", err))
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// writeJSONString writes s quoted as Confluent (Jackson) quotes it.
func writeJSONString(b *bytes.Buffer, s string) { b.WriteString(compat.QuoteJSON(s)) }
