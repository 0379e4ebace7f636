package store

import (
	"context"
	"testing"
	"time"

	"github.com/accord-registry/accord/compat"
)

// TestReadBackParseIsKept: the reader of a shared log keeps the parse of a schema it read
// back in the parse cache, under the key the next compatibility check against that version
// parses it with, so the next registration into the subject, decided while the writes behind
// it wait, does not parse the latest version again.
func TestReadBackParseIsKept(t *testing.T) {
	s := openMemShared(t, newMemShared())
	for deadline := time.Now().Add(5 * time.Second); !s.Ready(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the store did not become ready") // the replay at startup keeps no parses
		}
	}
	// Not in canonical form: the request's own parse is cached under another text.
	sc, err := s.Register(context.Background(), "kept", avroReq(`{ "type": "record", "name": "Kept", "fields": [ {"name": "a", "type": "int"} ] }`), false)
	if err != nil {
		t.Fatal(err)
	}
	stored := parseKey{compat.TypeAvro, sc.Text, compat.ParseOptions{}}
	if s.st.parses.get(stored) == nil {
		t.Errorf("the stored text %s is not in the parse cache after its read-back", sc.Text)
	}
}

// TestReadBackUsesCachedParse: a record whose schema text the parse cache holds, parsed as
// stored schemas are, is checked by that parse: the reader parses nothing again.
func TestReadBackUsesCachedParse(t *testing.T) {
	c := &parseCache{}
	text := `{"type":"record","name":"Cached","fields":[{"name":"a","type":"int"}]}`
	p, err := compat.Parse(compat.TypeAvro, text, nil, compat.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c.put(parseKey{compat.TypeAvro, text, compat.ParseOptions{}}, p)
	rec := Record{Offset: 1, Key: []byte(`{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}`),
		Value: []byte(`{"subject":"s","version":1,"id":1,"schema":"{\"type\":\"record\",\"name\":\"Cached\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}","deleted":false}`)}
	pre := precheck([]Record{rec}, 0, true, c, true)
	if !pre.parsed[0] {
		t.Fatal("the record was not checked")
	}
	if pre.count != 0 {
		t.Errorf("%d parses; want 0: the cache held the parse", pre.count)
	}
}
