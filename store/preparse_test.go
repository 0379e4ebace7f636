package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/accord-registry/accord/compat"
)

// TestRegisterParsesBeforeQueueing: a registration parses its schema, with the options its
// decision will use, before it queues for a group, so that the group's decisions (made one
// after the other while every later write waits) find the parse done.
func TestRegisterParsesBeforeQueueing(t *testing.T) {
	m := newMemShared()
	s := openMemShared(t, m)
	release := holdInFlight(t, s, m)
	const text = `{"type":"record","name":"Queued","fields":[{"name":"a","type":"int"}]}`
	out := queueRegistration(t, s, "queued", avroReq(text))
	strict := parseKey{compat.TypeAvro, text, compat.ParseOptions{New: true}}
	if s.st.parses.get(strict) == nil {
		t.Error("the queued registration's schema is not parsed yet: the group would parse it while every other write waits")
	}
	release()
	if got := <-out; got.err != nil {
		t.Fatalf("the queued registration: %v", got.err)
	}
}

// TestNewSchemaParsedOnceBeforeQueueing: a registration of a new schema parses it once before
// it queues, as a new schema, and the lookup of an existing version that comes first reuses
// that parse's canonical text (a schema that parses as a new one parses to the same canonical
// text leniently) instead of parsing it leniently too.
func TestNewSchemaParsedOnceBeforeQueueing(t *testing.T) {
	s := openMemShared(t, newMemShared())
	const text = `{ "type": "record", "name": "Once", "fields": [ {"name": "a", "type": "int"} ] }`
	if _, err := s.Register(context.Background(), "once", avroReq(text), false); err != nil {
		t.Fatal(err)
	}
	if s.st.parses.get(parseKey{compat.TypeAvro, text, compat.ParseOptions{New: true}}) == nil {
		t.Error("the schema was not parsed as a new one")
	}
	if s.st.parses.get(parseKey{compat.TypeAvro, text, compat.ParseOptions{}}) != nil {
		t.Error("the schema was parsed leniently as well")
	}
	// Registering it again finds the version, through the canonical text of the strict parse.
	again, err := s.Register(context.Background(), "once", avroReq(text), false)
	if err != nil || again.Version != 1 {
		t.Errorf("registering again = %+v, %v; want version 1", again, err)
	}
}

// TestStrictParseCanonicalIsLenient pins what the fast path relies on: a schema that parses
// as a new one (strict names, valid defaults) parses leniently too, to the same canonical
// text, normalised or not. Strictness only refuses; it never changes the parse.
func TestStrictParseCanonicalIsLenient(t *testing.T) {
	for _, tc := range []struct {
		typ  compat.SchemaType
		text string
	}{
		{compat.TypeAvro, `"string"`},
		{compat.TypeAvro, `{"type":"string","logicalType":"uuid"}`},
		{compat.TypeAvro, `{ "type" : "record", "name" : "R", "namespace" : "a.b", "doc" : "d", "aliases" : ["X"], "fields" : [
			{"name":"id","type":"long","default":0,"order":"descending"},
			{"name":"u","type":["null",{"type":"fixed","name":"F","size":4}],"default":null},
			{"name":"e","type":{"type":"enum","name":"E","namespace":"c","symbols":["A","B"],"default":"B"}},
			{"name":"m","type":{"type":"map","values":{"type":"array","items":"c.E"}},"default":{}},
			{"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":4,"scale":2},"x-prop":{"k":[1,2]}},
			{"name":"self","type":["null","R"],"default":null}]}`},
		{compat.TypeAvro, `{"type":"record","name":"Outer","fields":[{"name":"in","type":{"type":"record","name":"Inner","namespace":"","fields":[]}},{"name":"again","type":"Inner"}]}`},
		{compat.TypeJSON, `{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}`},
		{compat.TypeProtobuf, "syntax = \"proto3\";\npackage p;\nmessage M { int32 a = 1; repeated string b = 2; }\n"},
	} {
		for _, normalize := range []bool{false, true} {
			strict, err := compat.Parse(tc.typ, tc.text, nil, compat.ParseOptions{New: true, Normalize: normalize})
			if err != nil {
				t.Errorf("%s (normalize %v) does not parse as a new schema: %v", tc.text, normalize, err)
				continue
			}
			lenient, err := compat.Parse(tc.typ, tc.text, nil, compat.ParseOptions{Normalize: normalize})
			if err != nil {
				t.Errorf("%s (normalize %v) parses as a new schema but not leniently: %v", tc.text, normalize, err)
				continue
			}
			if strict.Canonical() != lenient.Canonical() {
				t.Errorf("%s (normalize %v): canonical text %s as a new schema, %s leniently", tc.text, normalize, strict.Canonical(), lenient.Canonical())
			}
		}
	}
}

// FuzzStrictParseCanonicalIsLenient searches for an Avro schema that parses as a new one but
// not leniently, or to another canonical text: knownCandidate would then place a request
// under the wrong canonical text.
func FuzzStrictParseCanonicalIsLenient(f *testing.F) {
	f.Add(`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":["null","R"],"default":null}]}`)
	f.Add(`{"type":"enum","name":"E","symbols":["A"],"default":"A","aliases":["b.F"]}`)
	f.Add(`{"type":"fixed","name":"é","size":1}`)
	f.Add(`{"type":"array","items":{"type":"record","name":"I","fields":[{"name":"f","type":"int","default":1.5}]}}`)
	f.Fuzz(func(t *testing.T, text string) {
		for _, normalize := range []bool{false, true} {
			strict, err := compat.Parse(compat.TypeAvro, text, nil, compat.ParseOptions{New: true, Normalize: normalize})
			if err != nil {
				continue
			}
			lenient, err := compat.Parse(compat.TypeAvro, text, nil, compat.ParseOptions{Normalize: normalize})
			if err != nil {
				t.Fatalf("%s (normalize %v) parses as a new schema but not leniently: %v", text, normalize, err)
			}
			if strict.Canonical() != lenient.Canonical() {
				t.Fatalf("%s (normalize %v): canonical %s as new, %s leniently", text, normalize, strict.Canonical(), lenient.Canonical())
			}
			// The record of a registration holds the canonical text, and its reader takes the
			// registration's parse for that text's (Registration.prepare).
			stored, err := compat.Parse(compat.TypeAvro, strict.Canonical(), nil, compat.ParseOptions{})
			if err != nil || stored.Canonical() != strict.Canonical() {
				t.Fatalf("%s (normalize %v): the canonical text %s parses as stored to %v, %v", text, normalize, strict.Canonical(), stored, err)
			}
		}
	})
}

// TestOwnRecordsReadBackParseNothing: the record a registration writes holds its schema's
// canonical text, which the reader checks when the log delivers it back. The registration's
// own parse is that check's answer (strictness only refuses, and the canonical text parses to
// the same schema), so reading back this instance's writes parses no schema again. A Protobuf
// parse stands for the stored text's only when it parsed that text (see
// TestOwnRecordsRenderAsStored): the Protobuf text here is already canonical.
func TestOwnRecordsReadBackParseNothing(t *testing.T) {
	s := openMemShared(t, newMemShared())
	texts := map[compat.SchemaType]string{
		compat.TypeAvro:     `{ "type": "record", "name": "Own%d", "fields": [ {"name": "a", "type": "int"} ] }`,
		compat.TypeJSON:     `{ "type": "object", "title": "own-%d", "properties": { "a": {"type": "integer"} } }`,
		compat.TypeProtobuf: "syntax = \"proto3\";\npackage own%d;\n\nmessage M {\n  int32 a = 1;\n}\n",
	}
	n := 0
	for typ, text := range texts {
		for i := range 3 {
			n++
			req := SchemaRequest{Schema: fmt.Sprintf(text, i), Type: typ, ID: -1}
			if _, err := s.Register(context.Background(), fmt.Sprintf("own-%s-%d", typ, i), req, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.st.schemasParsed != 0 {
		t.Errorf("reading back %d registrations parsed %d schemas; want none", n, s.st.schemasParsed)
	}
}

// TestOwnRecordsRenderAsStored: what this instance answers for a schema it registered itself
// is what any other instance answers, which parses the stored text. Protobuf's printer moves a
// message's plain fields before its oneofs (and normalising sorts a oneof's fields), so the
// request's parse describes the fields in another order than the stored text's: its
// "serialized" descriptor differs, and must not stand in for the stored text's parse.
func TestOwnRecordsRenderAsStored(t *testing.T) {
	s := openMemShared(t, newMemShared())
	const text = "syntax = \"proto3\";\nmessage M {\n  oneof o {\n    int32 b = 3;\n    int32 a = 1;\n  }\n  int32 c = 2;\n}\n"
	for i, normalize := range []bool{false, true} {
		subject := fmt.Sprintf("render-%d", i)
		if _, err := s.Register(context.Background(), subject, SchemaRequest{Schema: text, Type: compat.TypeProtobuf, ID: -1}, normalize); err != nil {
			t.Fatal(err)
		}
		sc, err := s.Version(context.Background(), subject, 1, false)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := compat.Parse(compat.TypeProtobuf, sc.Text, nil, compat.ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := fresh.Format("serialized")
		got, err := s.Render(context.Background(), sc, "serialized")
		if err != nil || got != want {
			t.Errorf("normalize %v: serialized = %s, %v; the stored text's parse gives %s", normalize, got, err, want)
		}
	}
}

// FuzzOwnParseStandsForStored searches, in all three formats, for a registration whose parse
// the store would take for its stored text's (standsForStoredParse) while the stored text
// parses to something else: no parse, another canonical text or another format's text. The
// leader would then answer otherwise than its followers.
func FuzzOwnParseStandsForStored(f *testing.F) {
	f.Add(uint8(0), `{"type":"record","name":"R","fields":[{"name":"x","type":["null","R"],"default":null}]}`)
	f.Add(uint8(1), `{"type":"object","properties":{"b":{"type":"string"},"a":{"$ref":"#/definitions/d"}},"definitions":{"d":{"type":"integer"}}}`)
	f.Add(uint8(2), "syntax = \"proto3\";\nmessage M {\n  oneof o {\n    int32 b = 3;\n    int32 a = 1;\n  }\n  int32 c = 2;\n}\n")
	f.Add(uint8(2), "syntax = \"proto3\";\n\nmessage M {\n  int32 c = 2;\n\n  oneof o {\n    int32 b = 3;\n    int32 a = 1;\n  }\n}\n")
	types := []compat.SchemaType{compat.TypeAvro, compat.TypeJSON, compat.TypeProtobuf}
	f.Fuzz(func(t *testing.T, which uint8, text string) {
		typ := types[int(which)%len(types)]
		for _, opts := range []compat.ParseOptions{{New: true}, {New: true, Normalize: true}, {}} {
			own, err := compat.Parse(typ, text, nil, opts)
			if err != nil || !standsForStoredParse(own, text, opts) {
				continue
			}
			stored, err := compat.Parse(typ, own.Canonical(), nil, compat.ParseOptions{})
			if err != nil {
				t.Fatalf("%s %+v: the canonical text of %q does not parse as stored: %v", typ, opts, text, err)
			}
			if stored.Canonical() != own.Canonical() {
				t.Fatalf("%s %+v: %q: canonical %q, stored text's %q", typ, opts, text, own.Canonical(), stored.Canonical())
			}
			for _, format := range []string{"resolved", "serialized", "ignore_extensions"} {
				a, okA := own.Format(format)
				b, okB := stored.Format(format)
				if a != b || okA != okB {
					t.Fatalf("%s %+v: %q: format %s %q, stored text's %q", typ, opts, text, format, a, b)
				}
			}
		}
	})
}

// TestOwnNormalizedJSONChecksAsStored: a JSON Schema registered with normalize is stored with
// its keys sorted. The request's parse compares properties in the order the request wrote
// them, the stored text's in sorted order, so a later check against this version lists its
// messages in another order on the instance that registered it than on any other: that parse
// must not stand for the stored text's.
func TestOwnNormalizedJSONChecksAsStored(t *testing.T) {
	s := openMemShared(t, newMemShared())
	const text = `{"type":"object","properties":{"v":{"type":"integer"},"next":{"type":"string"}}}`
	if _, err := s.Register(context.Background(), "normalized", SchemaRequest{Schema: text, Type: compat.TypeJSON, ID: -1}, true); err != nil {
		t.Fatal(err)
	}
	sc, err := s.Version(context.Background(), "normalized", 1, false)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := compat.Parse(compat.TypeJSON, sc.Text, nil, compat.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.mu.RLock()
	own, err := s.st.parsedSchema(sc)
	s.mu.RUnlock()
	if err != nil {
		t.Fatal(err)
	}
	next, err := compat.Parse(compat.TypeJSON, `{"type":"object","additionalProperties":false}`, nil, compat.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(stored *compat.Schema) []string {
		res, err := compat.Check(context.Background(), next, []compat.Previous{{Schema: stored, Version: 1}}, compat.CheckOptions{Level: compat.LevelFull})
		if err != nil {
			t.Fatal(err)
		}
		return res.Messages
	}
	if got, want := check(own), check(fresh); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("checking against the version this instance registered:\n%q\nagainst the stored text's parse:\n%q", got, want)
	}
}
