package encryption

import (
	"encoding/binary"
	"errors"
)

// versionPrefixLen is the length of the prefix a ciphertext carries when DEKs rotate: a
// zero byte (the magic byte of Confluent's wire format) and the DEK version as a 4-byte
// big-endian integer.
const versionPrefixLen = 5

// withVersion returns ciphertext behind the version prefix of version.
func withVersion(version int, ciphertext []byte) []byte {
	out := make([]byte, versionPrefixLen, versionPrefixLen+len(ciphertext))
	binary.BigEndian.PutUint32(out[1:], uint32(version))
	return append(out, ciphertext...)
}

// splitVersion returns the DEK version a rotated ciphertext names and the ciphertext after
// the prefix.
func splitVersion(b []byte) (version int, ciphertext []byte, err error) {
	if len(b) < versionPrefixLen {
		return 0, nil, errors.New("ciphertext too short for a dek version")
	}
	if b[0] != 0 {
		return 0, nil, errors.New("unknown magic byte")
	}
	return int(binary.BigEndian.Uint32(b[1:versionPrefixLen])), b[versionPrefixLen:], nil
}
