package snapshot

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/accord-registry/accord/store"
	"github.com/google/go-cmp/cmp"
)

// FuzzRead reads arbitrary bytes as a snapshot file, as Read does after loading it.
// Invariants:
//   - decoding never panics, and fails only with a corrupt snapshot error and no data;
//   - the same holds for the input with its checksum made right, so that the fuzzer reaches
//     the parser behind the checksum;
//   - when decoding succeeds, Write of the result writes the input back byte for byte (the
//     encoding is canonical), and Read of that file returns equal data. For inputs with a
//     repaired checksum, which decode far more often, encode and decode stand in for Write
//     and Read (they are Write and Read without the file system and its fsyncs), so the
//     fuzzer keeps its speed.
func FuzzRead(f *testing.F) {
	golden, err := os.ReadFile(goldenPath)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add(encoded(f, Meta{Offset: -1}, nil))
	f.Add(encoded(f, Meta{ClusterID: "c", Offset: 300}, numbered(20, 50)))
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFuzzRead(t, data, writeReadFile)
		if fixed := withCRC(data); !bytes.Equal(fixed, data) {
			checkFuzzRead(t, fixed, writeReadMemory)
		}
	})
}

// checkFuzzRead checks the invariants of FuzzRead on data, using roundTrip to write a
// decoded snapshot and read it back.
func checkFuzzRead(t *testing.T, data []byte, roundTrip func(*testing.T, Meta, []store.Record) ([]byte, Meta, []store.Record)) {
	meta, recs, err := decode(data)
	if err != nil {
		if !errors.Is(err, errCorrupt) || meta != (Meta{}) || recs != nil {
			t.Fatalf("decode = %v, %d records, %v", meta, len(recs), err)
		}
		return
	}
	written, meta2, recs2 := roundTrip(t, meta, recs)
	if !bytes.Equal(written, data) {
		t.Fatalf("Write(decode(x)) = %x, want %x", written, data)
	}
	if diff := cmp.Diff(meta, meta2); diff != "" {
		t.Fatalf("meta changed by Write+Read (-before +after):\n%s", diff)
	}
	if len(recs) != 0 || len(recs2) != 0 {
		if diff := cmp.Diff(recs, recs2); diff != "" {
			t.Fatalf("records changed by Write+Read (-before +after):\n%s", diff)
		}
	}
}

// writeReadFile writes a snapshot with Write and reads it back with Read, returning the file's
// bytes and what Read returned.
func writeReadFile(t *testing.T, meta Meta, recs []store.Record) ([]byte, Meta, []store.Record) {
	path := filepath.Join(t.TempDir(), "snapshot")
	if err := Write(path, meta, recs); err != nil {
		t.Fatalf("Write(decoded) = %v", err)
	}
	written, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	meta2, recs2, err := Read(path)
	if err != nil {
		t.Fatalf("Read(Write(decode(x))) = %v", err)
	}
	return written, meta2, recs2
}

// writeReadMemory is writeReadFile without the file system: validate, encode, decode.
func writeReadMemory(t *testing.T, meta Meta, recs []store.Record) ([]byte, Meta, []store.Record) {
	if err := validate(meta, recs); err != nil {
		t.Fatalf("validate(decoded) = %v", err)
	}
	var buf bytes.Buffer
	if err := encode(&buf, meta, recs); err != nil {
		t.Fatalf("encode(decoded) = %v", err)
	}
	meta2, recs2, err := decode(buf.Bytes())
	if err != nil {
		t.Fatalf("decode(encode(decode(x))) = %v", err)
	}
	return buf.Bytes(), meta2, recs2
}
