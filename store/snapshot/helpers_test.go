package snapshot

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"path/filepath"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
	"github.com/google/go-cmp/cmp"
)

// rec builds a record at offset with a millisecond timestamp; a nil value is a tombstone.
func rec(offset int64, key string, value []byte) store.Record {
	return store.Record{
		Offset:    offset,
		Timestamp: time.UnixMilli(1_700_000_000_000 + offset),
		Key:       []byte(key),
		Value:     value,
	}
}

// sampleMeta and sampleRecords are the small snapshot of the golden file: a schema, a config,
// an empty value, a tombstone and the zero timestamp.
var sampleMeta = Meta{ClusterID: "lkc-7Gx2", Topic: "_schemas", TopicID: "5T0bz2YkQzCm3R2JfJ6k0g", Offset: 9}

func sampleRecords() []store.Record {
	return []store.Record{
		rec(0, `{"keytype":"SCHEMA","subject":"a","version":1,"magic":1}`,
			[]byte(`{"subject":"a","version":1,"id":1,"schema":"\"string\"","deleted":false}`)),
		rec(2, `{"keytype":"CONFIG","magic":0}`, []byte(`{"compatibilityLevel":"FULL"}`)),
		rec(3, `{"keytype":"CONFIG","subject":null,"magic":0}`, nil),
		rec(5, `{"keytype":"MODE","magic":0}`, []byte{}),
		{Offset: 7, Key: []byte(`{"keytype":"NOOP","magic":0}`), Value: []byte(`{}`)},
	}
}

// numbered returns n records of about size bytes each (key plus value), at offsets 2i.
func numbered(n, size int) []store.Record {
	recs := make([]store.Record, n)
	for i := range recs {
		key := fmt.Appendf(nil, `{"keytype":"SCHEMA","subject":"subject-%06d","version":1,"magic":1}`, i)
		v := fmt.Appendf(nil, `{"subject":"subject-%06d","version":1,"id":%d,"schema":"`, i, i+1)
		v = append(v, bytes.Repeat([]byte{'x'}, max(0, size-len(key)-len(v)-2))...)
		recs[i] = store.Record{
			Offset:    int64(2 * i),
			Timestamp: time.UnixMilli(1_700_000_000_000 + int64(i)),
			Key:       key,
			Value:     append(v, `"}`...),
		}
	}
	return recs
}

// encoded returns the file bytes of a snapshot.
func encoded(t testing.TB, meta Meta, recs []store.Record) []byte {
	t.Helper()
	if err := validate(meta, recs); err != nil {
		t.Fatalf("validate = %v", err)
	}
	var buf bytes.Buffer
	if err := encode(&buf, meta, recs); err != nil {
		t.Fatalf("encode = %v", err)
	}
	return buf.Bytes()
}

// withCRC returns a copy of data whose trailing checksum is made right, so that checks past
// the checksum can be reached; data too short to hold one is returned as is.
func withCRC(data []byte) []byte {
	if len(data) < headerSize+trailerSize {
		return data
	}
	fixed := bytes.Clone(data)
	end := len(fixed) - trailerSize
	binary.BigEndian.PutUint32(fixed[end:], crc32.Checksum(fixed[:end], castagnoli))
	return fixed
}

// mustWrite writes a snapshot and fails the test on error.
func mustWrite(t testing.TB, path string, meta Meta, recs []store.Record) {
	t.Helper()
	if err := Write(path, meta, recs); err != nil {
		t.Fatalf("Write(%s) = %v", path, err)
	}
}

// checkRead reads path and compares it with want.
func checkRead(t testing.TB, path string, wantMeta Meta, want []store.Record) {
	t.Helper()
	meta, got, err := Read(path)
	if err != nil {
		t.Fatalf("Read(%s) = %v", filepath.Base(path), err)
	}
	if diff := cmp.Diff(wantMeta, meta); diff != "" {
		t.Errorf("Read(%s) meta (-want +got):\n%s", filepath.Base(path), diff)
	}
	if len(want) == 0 && len(got) == 0 {
		return // nil and empty both mean no records
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Read(%s) records (-want +got):\n%s", filepath.Base(path), diff)
	}
}
