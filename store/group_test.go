package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/accord-registry/accord/compat"
)

// The group commit tests hold one write's transaction in flight on a memShared log, queue
// further writes behind it in a known order, and then let the transaction commit: the queued
// writes are then decided, and committed, in groups.

// holdInFlight registers a schema whose transaction the log holds, and returns once that
// transaction is in flight; release lets it commit and waits for its write to end.
func holdInFlight(t *testing.T, s *Store, m *memShared) (release func()) {
	t.Helper()
	return holdInFlightAs(t, s, m, "in-flight")
}

// holdInFlightAs is holdInFlight registering into subject.
func holdInFlightAs(t *testing.T, s *Store, m *memShared, subject string) (release func()) {
	t.Helper()
	hold, held := make(chan struct{}), make(chan struct{})
	m.mu.Lock()
	m.hold, m.held = hold, held
	m.mu.Unlock()
	errc := make(chan error, 1)
	go func() {
		_, err := s.Register(context.Background(), subject, avroReq(`"boolean"`), false)
		errc <- err
	}()
	<-held
	return func() {
		close(hold)
		if err := <-errc; err != nil {
			t.Errorf("the write in flight: %v", err)
		}
	}
}

// queueWrite starts write in the background once every earlier queued write waits in s's
// queue, and returns once it waits there too; its result arrives on the returned channel.
func queueWrite(t *testing.T, s *Store, write func() error) <-chan error {
	t.Helper()
	before := queued(s)
	errc := make(chan error, 1)
	go func() { errc <- write() }()
	deadline := time.Now().Add(5 * time.Second)
	for queued(s) <= before {
		if time.Now().After(deadline) {
			t.Fatal("the write did not queue")
		}
		time.Sleep(time.Millisecond)
	}
	return errc
}

func queued(s *Store) int {
	s.groups.mu.Lock()
	defer s.groups.mu.Unlock()
	return len(s.groups.waiting)
}

func avroReq(schema string) SchemaRequest {
	return SchemaRequest{Schema: schema, Type: compat.TypeAvro, ID: -1}
}

// queueRegistration queues a registration and returns a channel with its outcome.
func queueRegistration(t *testing.T, s *Store, subject string, req SchemaRequest) <-chan registered {
	t.Helper()
	out := make(chan registered, 1)
	queueWrite(t, s, func() error {
		sc, err := s.Register(context.Background(), subject, req, false)
		out <- registered{sc, err}
		return err
	})
	return out
}

type registered struct {
	schema Schema
	err    error
}

func appends(m *memShared) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.appends
}

// TestGroupSameNewSchemaOneID: registrations queued behind a transaction share the next one,
// and the same new schema registered into several subjects of one group gets one id, while
// another new schema of the group gets the next id.
func TestGroupSameNewSchemaOneID(t *testing.T) {
	m := newMemShared()
	s := openMemShared(t, m)
	release := holdInFlight(t, s, m)
	var outs []<-chan registered
	for _, subject := range []string{"a", "b", "c"} {
		outs = append(outs, queueRegistration(t, s, subject, avroReq(`"string"`)))
	}
	long := queueRegistration(t, s, "d", avroReq(`"long"`))
	release()
	for i, out := range outs {
		got := <-out
		if got.err != nil || got.schema.ID != 2 || got.schema.Version != 1 {
			t.Errorf("registration %d = %+v, %v; want id 2 version 1", i, got.schema, got.err)
		}
	}
	if got := <-long; got.err != nil || got.schema.ID != 3 {
		t.Errorf("the other schema = %+v, %v; want id 3", got.schema, got.err)
	}
	if n := appends(m); n != 2 {
		t.Errorf("%d transactions; want 2: the one in flight and one for the queued group", n)
	}
	// Another instance reading the same log agrees.
	other := openMemShared(t, m)
	for _, subject := range []string{"a", "b", "c"} {
		if v, err := other.Version(context.Background(), subject, 1, false); err != nil || v.ID != 2 {
			t.Errorf("%s on another instance = %+v, %v; want id 2", subject, v, err)
		}
	}
}

// TestGroupFailedAcknowledgesNone: when the transaction of a group fails (the log refuses
// it, or it is read back aborted), every write of the group fails and none is visible, on
// this instance or another; the writes succeed when tried again.
func TestGroupFailedAcknowledgesNone(t *testing.T) {
	cases := map[string]func(m *memShared){
		"append fails":      func(m *memShared) { m.failAt, m.failErr = 2, errors.New("produce failed") },
		"read back aborted": func(m *memShared) { m.abortAt = 2 },
		"fenced mid-way":    func(m *memShared) { m.failAt, m.failErr = 2, fmt.Errorf("%w: fenced", ErrNotLeader) },
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			m := newMemShared()
			s := openMemShared(t, m)
			release := holdInFlight(t, s, m)
			setup(m)
			subjects := []string{"g0", "g1", "g2", "g3"}
			var outs []<-chan registered
			for i, subject := range subjects {
				outs = append(outs, queueRegistration(t, s, subject, avroReq(fmt.Sprintf(`{"type":"fixed","name":"F","size":%d}`, i+1))))
			}
			release()
			for i, out := range outs {
				got := <-out
				var serr *Error
				if !errors.As(got.err, &serr) || (serr.Code != CodeStoreError && serr.Code != CodeUnknownLeader) {
					t.Errorf("registration into %s = %+v, %v; want it refused (50001 or 50004)", subjects[i], got.schema, got.err)
				}
			}
			if n := appends(m); n != 2 {
				t.Errorf("%d transactions; want 2: the one in flight and one for the group", n)
			}
			other := openMemShared(t, m)
			for _, st := range []*Store{s, other} {
				for _, subject := range subjects {
					if v, err := st.Version(context.Background(), subject, -1, false); err == nil {
						t.Errorf("%s is served (%+v) though its group failed", subject, v)
					}
				}
			}
			for i, subject := range subjects {
				if _, err := s.Register(context.Background(), subject, avroReq(fmt.Sprintf(`{"type":"fixed","name":"F","size":%d}`, i+1)), false); err != nil {
					t.Errorf("retrying %s: %v", subject, err)
				}
			}
		})
	}
}

// TestGroupConfigAndRegistrationInOrder: a config change and a registration it decides are
// decided in the order they queued, whichever comes first: the registration sees the config
// change queued before it, and not one queued after it.
func TestGroupConfigAndRegistrationInOrder(t *testing.T) {
	v1 := `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`
	v2 := `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}` // not BACKWARD
	none := compat.LevelNone
	for _, configFirst := range []bool{true, false} {
		t.Run(fmt.Sprintf("config first %v", configFirst), func(t *testing.T) {
			m := newMemShared()
			s := openMemShared(t, m)
			if _, err := s.Register(context.Background(), "s", avroReq(v1), false); err != nil {
				t.Fatal(err)
			}
			release := holdInFlight(t, s, m)
			setConfig := func() error {
				_, err := s.SetConfig(context.Background(), "s", ConfigRecord{CompatibilityLevel: &none}, nil)
				return err
			}
			var config <-chan error
			var reg <-chan registered
			if configFirst {
				config = queueWrite(t, s, setConfig)
				reg = queueRegistration(t, s, "s", avroReq(v2))
			} else {
				reg = queueRegistration(t, s, "s", avroReq(v2))
				config = queueWrite(t, s, setConfig)
			}
			release()
			if err := <-config; err != nil {
				t.Fatalf("config change: %v", err)
			}
			got := <-reg
			var serr *Error
			switch {
			case configFirst && (got.err != nil || got.schema.Version != 2):
				t.Errorf("registration after the config change = %+v, %v; want version 2", got.schema, got.err)
			case !configFirst && (!errors.As(got.err, &serr) || serr.Code != CodeIncompatibleLegacy):
				t.Errorf("registration before the config change = %+v, %v; want 409", got.schema, got.err)
			}
		})
	}
}

// TestGroupReferenceToEarlierWriteWaits: a registration whose reference names the latest
// version of a subject that another queued write adds a version to is decided only once that
// write was committed, so the reference resolves to the new version, as it would had the two
// been decided one after the other.
func TestGroupReferenceToEarlierWriteWaits(t *testing.T) {
	m := newMemShared()
	s := openMemShared(t, m)
	innerV1 := `{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}`
	innerV2 := `{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"},{"name":"y","type":["null","int"],"default":null}]}`
	if _, err := s.Register(context.Background(), "inner", avroReq(innerV1), false); err != nil {
		t.Fatal(err)
	}
	release := holdInFlight(t, s, m)
	inner := queueRegistration(t, s, "inner", avroReq(innerV2))
	outerReq := avroReq(`{"type":"record","name":"Outer","fields":[{"name":"in","type":"Inner"}]}`)
	outerReq.References = []Reference{{Name: "Inner", Subject: "inner", Version: -1}}
	outer := queueRegistration(t, s, "outer", outerReq)
	independent := queueRegistration(t, s, "independent", avroReq(`"double"`))
	release()
	if got := <-inner; got.err != nil || got.schema.Version != 2 {
		t.Fatalf("inner = %+v, %v; want version 2", got.schema, got.err)
	}
	got := <-outer
	if got.err != nil || len(got.schema.References) != 1 || got.schema.References[0].Version != 2 {
		t.Errorf("outer = %+v, %v; want its reference resolved to inner version 2, committed before it was decided", got.schema, got.err)
	}
	if got := <-independent; got.err != nil {
		t.Errorf("independent: %v", got.err)
	}
	// The group stops at the first write that conflicts with it, so the write after the
	// reference is decided with it: the first schema, the one in flight, inner, then outer
	// and independent.
	if n := appends(m); n != 4 {
		t.Errorf("%d transactions; want 4", n)
	}
}
