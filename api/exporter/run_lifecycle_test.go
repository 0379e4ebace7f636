package exporter_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/accord-registry/accord/store"
)

// TestExporterRestartWritesNothing: a runner started again, even from an offset older than
// what the destination holds (a crash before the offset was persisted), reads and finds
// everything there: it writes nothing to the destination.
func TestExporterRestartWritesNothing(t *testing.T) {
	e := newEnv(t)
	e.apply(t, filled...)
	e.create(t, store.Exporter{Name: "dr", Subjects: []string{"*"}})
	stop := e.run(t)
	e.caughtUp(t, "dr")
	stop()
	writes := e.proxy.writes.Load()
	if writes == 0 {
		t.Fatal("no writes counted for the first copy")
	}
	for _, offset := range []int64{e.state(t, "dr").Offset, -1} {
		e.setState(t, "dr", store.ExporterStarting, offset)
		stop := e.run(t)
		e.caughtUp(t, "dr")
		stop()
		if got := e.proxy.writes.Load(); got != writes {
			t.Errorf("restart from offset %d: %d writes to the destination, want none", offset, got-writes)
		}
	}
	assertSame(t, e.sourceSide(), e.destSide(".", ".src", ""), exported...)
}

// TestExporterPauseIsNotOverwritten: the API pauses an exporter while its worker is in the
// middle of a pass; the worker finishes its request, cannot record its progress (the
// generation ended), and stops; the state stays PAUSED at the old offset.
func TestExporterPauseIsNotOverwritten(t *testing.T) {
	e := newEnv(t)
	e.apply(t, step{"POST", "/subjects/a/versions", `{"schema":"\"int\""}`})
	e.create(t, store.Exporter{Name: "dr", Subjects: []string{"*"}})
	e.run(t)
	before := e.caughtUp(t, "dr")

	blocked, release := e.proxy.holdWrites()
	defer release()
	e.apply(t, step{"POST", "/subjects/b/versions", `{"schema":"\"string\""}`})
	<-blocked
	stopped := e.logs.count("exporter stopped")
	e.setState(t, "dr", store.ExporterPaused)
	release()
	eventually(t, "the worker to stop", func() bool { return e.logs.count("exporter stopped") > stopped },
		func() string { return describeState(e.state(t, "dr")) })
	st := e.state(t, "dr")
	if st.State != store.ExporterPaused || st.Offset != before.Offset {
		t.Errorf("state after a pause during a pass: %s; want PAUSED at offset %d", describeState(st), before.Offset)
	}
	// Resumed, it copies what was left.
	e.setState(t, "dr", store.ExporterStarting)
	e.caughtUp(t, "dr")
	assertSame(t, e.sourceSide(), e.destSide(".", ".src", ""), "a", "b")
}

// TestExporterRetriesAnUnreachableDestination: while the destination cannot be reached the
// exporter is STARTING with a trace that says so, and retries; once it is back, the
// exporter catches up with what was registered meanwhile.
func TestExporterRetriesAnUnreachableDestination(t *testing.T) {
	e := newEnv(t)
	e.apply(t, step{"POST", "/subjects/a/versions", `{"schema":"\"int\""}`})
	e.create(t, store.Exporter{Name: "dr", Subjects: []string{"*"}})
	e.run(t)
	e.caughtUp(t, "dr")

	e.proxy.down.Store(true)
	mustCall(t, "PUT", e.sourceURL+"/config/a", `{"compatibility":"NONE"}`)
	for i := range 10 {
		e.apply(t, step{"POST", "/subjects/a/versions", fmt.Sprintf(`{"schema":"{\"type\":\"fixed\",\"name\":\"f\",\"size\":%d}"}`, i+1)})
	}
	st := e.inState(t, "dr", store.ExporterStarting)
	if !strings.Contains(st.Trace, "destination unreachable") || !strings.Contains(st.Trace, "retrying") {
		t.Errorf("trace while the destination is down: %q", st.Trace)
	}
	e.proxy.down.Store(false)
	e.caughtUp(t, "dr")
	if st := e.state(t, "dr"); st.Trace != "" {
		t.Errorf("trace once caught up: %q", st.Trace)
	}
	assertSame(t, e.sourceSide(), e.destSide(".", ".src", ""), "a")
}

// TestExporterConflictStopsUntilFixed: the destination already binds the id to another
// schema; the exporter goes to ERROR with a trace naming the source subject, version and
// id and the destination's answer, and copies nothing more. Once the destination is fixed
// and the exporter resumed, the copy completes.
func TestExporterConflictStopsUntilFixed(t *testing.T) {
	e := newEnv(t)
	mustCall(t, "PUT", e.dest.URL()+"/mode/:.src:", `{"mode":"IMPORT"}`)
	mustCall(t, "POST", e.dest.URL()+"/subjects/:.src:theirs/versions", `{"id":1,"version":1,"schema":"\"string\""}`)
	e.apply(t, step{"POST", "/subjects/ours/versions", `{"schema":"\"int\""}`},
		step{"POST", "/subjects/ours/versions", `{"schema":"\"long\""}`})
	e.create(t, store.Exporter{Name: "dr", Subjects: []string{"*"}})
	e.run(t)
	st := e.inState(t, "dr", store.ExporterError)
	for _, want := range []string{"subject ours", "version 1", "id 1", ":.src:ours", "42205", "Overwrite new schema with id 1"} {
		if !strings.Contains(st.Trace, want) {
			t.Errorf("trace %q does not name %q", st.Trace, want)
		}
	}
	if status, _ := call(t, "GET", e.dest.URL()+"/subjects/:.src:ours/versions", ""); status != 404 {
		t.Errorf("ours copied in part despite the conflict: %d", status)
	}

	mustCall(t, "DELETE", e.dest.URL()+"/subjects/:.src:theirs", "")
	mustCall(t, "DELETE", e.dest.URL()+"/subjects/:.src:theirs?permanent=true", "")
	e.setState(t, "dr", store.ExporterStarting)
	e.caughtUp(t, "dr")
	assertSame(t, e.sourceSide(), e.destSide(".", ".src", ""), "ours")
}

// TestExporterStopsWithoutLeadership: an instance that stops leading stops its workers;
// nothing is copied until it leads again, and then everything is.
func TestExporterStopsWithoutLeadership(t *testing.T) {
	e := newEnv(t)
	e.apply(t, step{"POST", "/subjects/a/versions", `{"schema":"\"int\""}`})
	e.create(t, store.Exporter{Name: "dr", Subjects: []string{"*"}})
	e.run(t)
	before := e.caughtUp(t, "dr")

	e.leading.Store(false)
	eventually(t, "the workers to stop", func() bool { return e.logs.count("exporter stopped") > 0 },
		func() string { return describeState(e.state(t, "dr")) })
	writes := e.proxy.writes.Load()
	e.apply(t, step{"POST", "/subjects/b/versions", `{"schema":"\"string\""}`})
	if got := e.proxy.writes.Load(); got != writes {
		t.Errorf("%d writes to the destination without leadership", got-writes)
	}
	if st := e.state(t, "dr"); st.Offset != before.Offset {
		t.Errorf("state moved without leadership: %s", describeState(st))
	}
	e.leading.Store(true)
	e.caughtUp(t, "dr")
	assertSame(t, e.sourceSide(), e.destSide(".", ".src", ""), "a", "b")
}

// TestExporterLanesReorderedDeletes: a pass copies subjects on several lanes, so a lane may
// try to delete, on the destination, a version that another lane has yet to stop
// referencing; the destination refuses (42206), and the pass copies that subject again once
// the others are done, instead of failing.
func TestExporterLanesReorderedDeletes(t *testing.T) {
	e := newEnv(t)
	e.apply(t,
		step{"POST", "/subjects/base/versions", `{"schema":` + quoted(moneySchema) + `}`},
		step{"POST", "/subjects/user/versions", `{"schema":` + quoted(orderV1) + `,"references":[{"name":"acme.Money","subject":"base","version":1}]}`},
	)
	for i := range 12 {
		e.apply(t, step{"POST", fmt.Sprintf("/subjects/filler-%d/versions", i), fmt.Sprintf(`{"schema":"{\"type\":\"enum\",\"name\":\"E%d\",\"symbols\":[\"A\"]}"}`, i)})
	}
	e.create(t, store.Exporter{Name: "dr", Subjects: []string{"*"}})
	stop := e.run(t)
	e.caughtUp(t, "dr")
	stop()
	// One pass will see, in this order: user deleted for good, then base's version 1, which
	// only user referenced, deleted for good; the fillers changed in between keep the lanes busy.
	e.apply(t,
		step{"DELETE", "/subjects/user", ""},
		step{"DELETE", "/subjects/user?permanent=true", ""},
		step{"POST", "/subjects/base/versions", `{"schema":"{\"type\":\"record\",\"name\":\"Money\",\"namespace\":\"acme\",\"fields\":[{\"name\":\"units\",\"type\":\"long\"},{\"name\":\"cents\",\"type\":\"int\",\"default\":0}]}"}`},
		step{"DELETE", "/subjects/base/versions/1", ""},
		step{"DELETE", "/subjects/base/versions/1?permanent=true", ""},
	)
	for i := range 12 {
		e.apply(t, step{"DELETE", fmt.Sprintf("/subjects/filler-%d", i), ""})
	}
	e.run(t)
	e.caughtUp(t, "dr")
	assertSame(t, e.sourceSide(), e.destSide(".", ".src", ""), "base", "user", "filler-0", "filler-11")
}

// TestExporterFollowsWithoutRereading: once a session has copied or read a subject's
// versions, a new version costs a handful of destination requests, not one per version the
// subject already has.
func TestExporterFollowsWithoutRereading(t *testing.T) {
	e := newEnv(t)
	e.apply(t, step{"PUT", "/config/many", `{"compatibility":"NONE"}`})
	for i := range 60 {
		e.apply(t, step{"POST", "/subjects/many/versions", fmt.Sprintf(`{"schema":"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"S%d\"]}"}`, i)})
	}
	e.create(t, store.Exporter{Name: "dr", Subjects: []string{"*"}})
	e.run(t)
	e.caughtUp(t, "dr")
	reads := e.proxy.reads.Load()
	e.apply(t, step{"POST", "/subjects/many/versions", `{"schema":"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"LAST\"]}"}`})
	e.caughtUp(t, "dr")
	if n := e.proxy.reads.Load() - reads; n > 10 {
		t.Errorf("copying one new version of a subject of 60 read the destination %d times", n)
	}
	assertSame(t, e.sourceSide(), e.destSide(".", ".src", ""), "many")
}
