package store

import (
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
