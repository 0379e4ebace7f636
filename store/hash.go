package store

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"slices"
	"sort"
	"strings"
	"unsafe"
)

// contentHash is the MD5 identity of a schema's content, as Confluent computes it: the same
// content in two subjects of one context shares a schema id, and the hash formatted as a UUID
// is the schema's GUID. schemaType is deliberately not part of it, as in Confluent.
type contentHash [16]byte

func hashContent(text string, refs []Reference, md *Metadata, rs *RuleSet) contentHash {
	if len(refs) == 0 && md == nil && rs == nil {
		return md5.Sum(readOnlyBytes(text))
	}
	h := md5.New()
	h.Write(readOnlyBytes(text))
	for _, r := range refs {
		h.Write([]byte(r.Name))
		h.Write([]byte(r.Subject))
		var v [4]byte
		binary.BigEndian.PutUint32(v[:], uint32(r.Version))
		h.Write(v[:])
	}
	if md != nil {
		h.Write([]byte{1})
		hashMetadata(h, md)
	}
	if rs != nil {
		h.Write([]byte{1})
		hashRuleSet(h, rs)
	}
	var sum contentHash
	copy(sum[:], h.Sum(nil))
	return sum
}

// readOnlyBytes returns s's bytes without copying them, for a hash that only reads them: a
// replay hashes a million schema texts, and a copy of each would be as much garbage as the
// texts themselves. Nothing may write to the slice.
func readOnlyBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func hashMetadata(h hash.Hash, md *Metadata) {
	for _, k := range sortedKeys(md.Tags) {
		h.Write([]byte(k))
		for _, tag := range sortedCopy(md.Tags[k]) {
			h.Write([]byte(tag))
		}
	}
	for _, k := range sortedKeys(md.Properties) {
		h.Write([]byte(k))
		h.Write([]byte(md.Properties[k]))
	}
	for _, s := range sortedCopy(md.Sensitive) {
		h.Write([]byte(s))
	}
}

func hashRuleSet(h hash.Hash, rs *RuleSet) {
	for _, group := range [][]Rule{rs.MigrationRules, rs.DomainRules, rs.EncodingRules} {
		for i := range group {
			hashRule(h, &group[i])
		}
	}
	if rs.EnableAt != "" {
		h.Write([]byte(rs.EnableAt))
	}
}

func hashRule(h hash.Hash, r *Rule) {
	for _, s := range []string{r.Name, r.Doc, r.Kind, r.Mode, r.Type} {
		h.Write([]byte(s))
	}
	for _, tag := range sortedCopy(r.Tags) {
		h.Write([]byte(tag))
	}
	for _, k := range sortedKeys(r.Params) {
		h.Write([]byte(k))
		h.Write([]byte(r.Params[k]))
	}
	for _, s := range []string{r.Expr, r.OnSuccess, r.OnFailure} {
		h.Write([]byte(s))
	}
	if r.Disabled {
		h.Write([]byte{1})
	}
}

// GUID formats the hash as a lowercase UUID, most significant byte first.
func (c contentHash) GUID() string {
	var b [36]byte
	hex.Encode(b[0:8], c[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], c[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], c[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], c[8:10])
	b[23] = '-'
	hex.Encode(b[24:], c[10:16])
	return string(b[:])
}

// parseGUID reverses [contentHash.GUID]; any case is accepted.
func parseGUID(guid string) (contentHash, bool) {
	var h contentHash
	raw := strings.ReplaceAll(guid, "-", "")
	if len(guid) != 36 || len(raw) != 32 {
		return h, false
	}
	if _, err := hex.Decode(h[:], []byte(raw)); err != nil {
		return h, false
	}
	return h, h.GUID() == strings.ToLower(guid)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	sort.Strings(c)
	return c
}
