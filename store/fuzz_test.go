package store

import (
	"testing"
	"time"
)

// FuzzDecodeRecord feeds arbitrary key and value bytes, as another registry or a bad producer
// could write them to `_schemas` or `_dek_registry_keys`, through the record codecs and the
// state machine.
//
// Invariants: decoding and applying never panic; a key that decodes re-encodes to bytes that
// decode to the same logical key; applying a record advances the state's offset.
func FuzzDecodeRecord(f *testing.F) {
	seeds := [][2]string{
		{`{"keytype":"NOOP","magic":0}`, ""},
		{`{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}`, `{"subject":"s","version":1,"id":1,"schema":"\"string\"","deleted":false}`},
		{`{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}`, `{"subject":"s","version":1,"id":1,"references":[{"name":"a","subject":"b","version":1}],"schema":"x","deleted":true}`},
		{`{"keytype":"CONFIG","subject":"s","magic":0}`, `{"subject":"s","compatibilityLevel":"FULL"}`},
		{`{"keytype":"CONFIG","subject":null,"magic":0}`, `{"compatibilityLevel":"NONE"}`},
		{`{"keytype":"MODE","magic":0}`, `{"mode":"IMPORT"}`},
		{`{"keytype":"DELETE_SUBJECT","subject":"s","magic":0}`, `{"subject":"s","version":4}`},
		{`{"keytype":"CLEAR_SUBJECT","magic":0}`, `{}`},
		{`{"keytype":"CONTEXT","tenant":"default","context":".ctx","magic":0}`, `{"tenant":"default","context":".ctx"}`},
		{`{"keytype":"ASSOC","magic":0}`, `{}`},
		{`{"tenant":"default","name":"k1","type":"KEK"}`, `{"name":"k1","kmsType":"local-kms","kmsKeyId":"x","kmsProps":{},"shared":false,"deleted":false,"type":"KEK"}`},
		{`{"tenant":"default","kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":1,"type":"DEK"}`, `{"kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":1,"encryptedKeyMaterial":"AAAA","deleted":false,"type":"DEK"}`},
		{`{"tenant":"default","kekName":"k1","subject":"s","algorithm":"AES256_SIV","version":2,"type":"DEK"}`, ""},
		{`not json`, `{`},
	}
	for _, s := range seeds {
		f.Add([]byte(s[0]), []byte(s[1]), s[1] == "")
	}
	f.Fuzz(func(t *testing.T, key, value []byte, tombstone bool) {
		if tombstone {
			value = nil
		}
		st := newState()
		_ = st.apply(Record{Offset: 7, Timestamp: time.UnixMilli(1), Key: key, Value: value})
		if st.offset != 7 {
			t.Fatalf("offset = %d, want 7", st.offset)
		}
		k, err := decodeKey(key)
		if err != nil {
			return
		}
		again, err := decodeKey(encodeKey(k))
		if err != nil {
			t.Fatalf("re-encoded key %s does not decode: %v", encodeKey(k), err)
		}
		if again.Type != k.Type || again.Subject != k.Subject || (k.Type == keySchema && again.Version != k.Version) {
			t.Fatalf("key round trip: %+v became %+v", k, again)
		}
	})
}
