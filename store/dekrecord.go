package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// The records of Confluent's `_dek_registry_keys` topic. Keys are the JSON of
// KeyEncryptionKeyId and DataEncryptionKeyId, values the JSON of KeyEncryptionKey and
// DataEncryptionKey, as Jackson writes them: the properties of the class's @JsonCreator
// first, in its parameter order, then the inherited `type` discriminator. Compaction matches
// keys byte for byte, so encodeKekKey and encodeDekKey produce exactly those bytes:
//
//	KEK key    {"tenant":"default","name":"k1","type":"KEK"}
//	DEK key    {"tenant":"default","kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":1,"type":"DEK"}
//	KEK value  {"name":"k1","kmsType":"local-kms","kmsKeyId":"id","kmsProps":{},"doc":"d","shared":false,"deleted":false,"type":"KEK"}
//	DEK value  {"kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":1,"encryptedKeyMaterial":"…","deleted":false,"type":"DEK"}
//
// A null property is left out (doc, encryptedKeyMaterial); `ts` is the record's timestamp,
// never a property of the value; a tombstone removes the key; raw key material is never
// written.

const (
	keyKEK keyType = "KEK"
	keyDEK keyType = "DEK"
	// dekTenant is the tenant of an on-premises DEK registry; records of other tenants (a
	// multi-tenant cloud topic) are not served.
	dekTenant = "default"
)

// dekRecordKey is a decoded DEK-registry key.
type dekRecordKey struct {
	Type      keyType
	Name      string // KEK
	KekName   string // DEK
	Subject   string
	Algorithm string
	Version   int
}

func (k dekRecordKey) dekID() dekID {
	return dekID{kek: k.KekName, subject: k.Subject, alg: k.Algorithm, version: k.Version}
}

func encodeKekKey(name string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"tenant":`)
	writeJSONString(&b, dekTenant)
	b.WriteString(`,"name":`)
	writeJSONString(&b, name)
	b.WriteString(`,"type":"KEK"}`)
	return b.Bytes()
}

func encodeDekKey(id dekID) []byte {
	var b bytes.Buffer
	b.WriteString(`{"tenant":`)
	writeJSONString(&b, dekTenant)
	b.WriteString(`,"kekName":`)
	writeJSONString(&b, id.kek)
	b.WriteString(`,"subject":`)
	writeJSONString(&b, id.subject)
	b.WriteString(`,"algorithm":`)
	writeJSONString(&b, id.alg)
	b.WriteString(`,"version":`)
	b.WriteString(strconv.Itoa(id.version))
	b.WriteString(`,"type":"DEK"}`)
	return b.Bytes()
}

// kekValue is a KEK record's value, properties in Jackson's order.
type kekValue struct {
	Name     string            `json:"name"`
	KmsType  string            `json:"kmsType"`
	KmsKeyID string            `json:"kmsKeyId"`
	KmsProps map[string]string `json:"kmsProps"`
	Doc      *string           `json:"doc,omitempty"`
	Shared   bool              `json:"shared"`
	Deleted  bool              `json:"deleted"`
	Type     keyType           `json:"type"`
}

// dekValue is a DEK record's value, properties in Jackson's order.
type dekValue struct {
	KekName              string  `json:"kekName"`
	Subject              string  `json:"subject"`
	Algorithm            string  `json:"algorithm"`
	Version              int     `json:"version"`
	EncryptedKeyMaterial *string `json:"encryptedKeyMaterial,omitempty"`
	Deleted              bool    `json:"deleted"`
	Type                 keyType `json:"type"`
}

func kekRecord(k *Kek) Record {
	props := k.KmsProps
	if props == nil {
		props = map[string]string{}
	}
	v := kekValue{Name: k.Name, KmsType: k.KmsType, KmsKeyID: k.KmsKeyID, KmsProps: props, Doc: k.Doc,
		Shared: k.Shared, Deleted: k.Deleted, Type: keyKEK}
	return Record{Key: encodeKekKey(k.Name), Value: encodeValue(&v)}
}

func dekRecord(d *Dek) Record {
	v := dekValue{KekName: d.KekName, Subject: d.Subject, Algorithm: d.Algorithm, Version: d.Version,
		Deleted: d.Deleted, Type: keyDEK}
	if d.EncryptedKeyMaterial != "" {
		v.EncryptedKeyMaterial = &d.EncryptedKeyMaterial
	}
	return Record{Key: encodeDekKey(dekID{d.KekName, d.Subject, d.Algorithm, d.Version}), Value: encodeValue(&v)}
}

func kekTombstone(name string) Record { return Record{Key: encodeKekKey(name)} }

func dekTombstone(id dekID) Record { return Record{Key: encodeDekKey(id)} }

// decodeDekKey reads a key of the tenant/name/type family (the DEK Registry's and the
// exporters'); ok is false when the key is not one (a `_schemas`
// key has `keytype`, not `type`).
func decodeDekKey(data []byte) (k dekRecordKey, ok bool, err error) {
	// The common case, decided without decoding: a `_schemas` key. The property name with
	// its colon, because a KEK or subject may be called "keytype" (a string value is never
	// followed by a colon, and inside a string a quote is escaped).
	if bytes.Contains(data, []byte(`"keytype":`)) {
		return k, false, nil
	}
	var raw struct {
		Tenant    string  `json:"tenant"`
		Type      keyType `json:"type"`
		Name      string  `json:"name"`
		KekName   string  `json:"kekName"`
		Subject   string  `json:"subject"`
		Algorithm string  `json:"algorithm"`
		Version   int     `json:"version"`
		KeyType   *string `json:"keytype"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return k, false, nil // decodeKey reports it
	}
	if raw.KeyType != nil || (raw.Type != keyKEK && raw.Type != keyDEK && !isExporterKey(raw.Type)) {
		return k, false, nil
	}
	if raw.Tenant != dekTenant {
		return k, true, fmt.Errorf("key of tenant %q, not %q; ignored", raw.Tenant, dekTenant)
	}
	k = dekRecordKey{Type: raw.Type, Name: raw.Name, KekName: raw.KekName, Subject: raw.Subject,
		Algorithm: raw.Algorithm, Version: raw.Version}
	if raw.Type == keyDEK && !ValidDekAlgorithm(raw.Algorithm) {
		return k, true, fmt.Errorf("DEK key with algorithm %q; ignored", raw.Algorithm)
	}
	if raw.Type == keyDEK && (raw.Version > math.MaxInt32 || raw.Version < math.MinInt32) {
		// Jackson refuses it (DataEncryptionKeyId's version is an int); the clients, which
		// put the version in 4 bytes of every ciphertext, could not name it either.
		return k, true, fmt.Errorf("DEK key with version %d, beyond an int; ignored", raw.Version)
	}
	return k, true, nil
}
