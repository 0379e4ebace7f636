package store

import (
	"errors"
	"log/slog"
	"slices"
	"testing"
)

// TestTrustedTextIsNotParsed: with TrustSchemaText, a SCHEMA record read from a shared log is
// applied without parsing its text, as Confluent's readers do, so text that does not parse is
// kept and served; what needs no parse is still checked: a type no registry knows, a reference
// to nothing, and an id rebound to other text are ignored as before. Nothing is parsed while
// the store catches up, so a topic of a million schemas costs no parse per schema.
func TestTrustedTextIsNotParsed(t *testing.T) {
	key := func(subject string) []byte {
		return []byte(`{"keytype":"SCHEMA","subject":"` + subject + `","version":1,"magic":1}`)
	}
	recs := []Record{
		{Key: key("a"), Value: []byte(`{"subject":"a","version":1,"id":1,"schema":"\"string\"","deleted":false}`)},
		{Key: key("junk"), Value: []byte(`{"subject":"junk","version":1,"id":500,"schema":"{{not a schema","deleted":false}`)},
		{Key: key("x"), Value: []byte(`{"subject":"x","version":1,"id":2,"schema":"\"int\"","schemaType":"XML","deleted":false}`)},
		{Key: key("r"), Value: []byte(`{"subject":"r","version":1,"id":3,"schema":"{}","deleted":false,"references":[{"name":"A","subject":"nowhere","version":1}]}`)},
		{Key: key("b"), Value: []byte(`{"subject":"b","version":1,"id":1,"schema":"\"int\"","deleted":false}`)},
	}
	for i := range recs {
		recs[i].Offset = int64(i)
	}
	s := &Store{st: newState(), advanced: make(chan struct{}), logger: slog.New(slog.DiscardHandler)}
	s.st.checkSchemas, s.st.trustText = true, true
	if got, want := s.applyFollowed(recs), []int64{2, 3, 4}; !slices.Equal(got, want) {
		t.Errorf("rejected = %v; want %v (unknown type, missing reference, id 1 rebound)", got, want)
	}
	if s.st.schemasParsed != 0 {
		t.Errorf("parsed %d schemas while catching up; want none", s.st.schemasParsed)
	}
	if v := s.st.subjects["junk"][1]; v == nil || v.text != "{{not a schema" {
		t.Errorf("junk version 1 = %+v; want the text as written", v)
	}
}

// TestUnparsableStoredVersionNamed: a compatibility check against a stored version whose
// text does not parse (one a trusted topic brought) fails with 42201 naming that version,
// not as if the candidate were invalid.
func TestUnparsableStoredVersionNamed(t *testing.T) {
	st := newState()
	st.checkSchemas, st.trustText = true, true
	if err := st.apply(Record{Key: []byte(`{"keytype":"SCHEMA","subject":"junk","version":1,"magic":1}`),
		Value: []byte(`{"subject":"junk","version":1,"id":500,"schema":"{{not a schema","deleted":false}`)}); err != nil {
		t.Fatal(err)
	}
	_, err := st.parsedVersion(st.subjects["junk"][1])
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalidSchema {
		t.Fatalf("parse of the stored version: %v; want 42201", err)
	}
	const want = "Stored schema junk version 1 (id 500) does not parse: Invalid schema {schemaType=AVRO}, details: "
	if len(e.Message) < len(want) || e.Message[:len(want)] != want {
		t.Errorf("message = %q; want it to start %q", e.Message, want)
	}
}

// TestUnparsableStoredVersionParsedOnce: a stored version whose text does not parse fails the
// same way on every request that needs it parsed (a lookup compares it newest first, a
// compatibility check reads it), and the failure is remembered like a parse is: otherwise
// every anonymous lookup into the subject parses the junk again, and a trusted topic can
// hold megabytes of text that fails only at its end. The test changes the stored text after
// the first failure: a second parse would succeed, the remembered failure does not.
func TestUnparsableStoredVersionParsedOnce(t *testing.T) {
	st := newState()
	st.checkSchemas, st.trustText = true, true
	if err := st.apply(Record{Key: []byte(`{"keytype":"SCHEMA","subject":"junk","version":1,"magic":1}`),
		Value: []byte(`{"subject":"junk","version":1,"id":500,"schema":"{{not a schema","deleted":false}`)}); err != nil {
		t.Fatal(err)
	}
	v := st.subjects["junk"][1]
	_, first := st.parsedVersion(v)
	if first == nil {
		t.Fatal("the junk parsed")
	}
	v.text = `"int"`
	_, again := st.parsedVersion(v)
	if again == nil || again.Error() != first.Error() {
		t.Errorf("second parse of the junk: %v; want the remembered failure %v", again, first)
	}
}
