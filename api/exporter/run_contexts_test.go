package exporter_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/accord-registry/accord/store"
)

// TestExporterCustomContextAndRename: CUSTOM puts the copies in the exporter's context,
// under names made by subjectRenameFormat; references name the renamed subjects.
func TestExporterCustomContextAndRename(t *testing.T) {
	e := newEnv(t)
	e.apply(t, filled...)
	e.create(t, store.Exporter{Name: "renamed", ContextType: "CUSTOM", Context: "dr", Subjects: []string{"orders-value", "plain"},
		SubjectRenameFormat: "dc_${subject}"})
	e.run(t)
	e.caughtUp(t, "renamed")
	dst := e.destSide(".", ".dr", "dc_")
	assertSame(t, withoutGUIDs(e.sourceSide()), withoutGUIDs(dst), "orders-value", "plain")
	status, body := call(t, "GET", e.dest.URL()+"/subjects/:.dr:dc_orders-value/versions/1", "")
	if status != http.StatusOK || !strings.Contains(body, `"subject":"dc_money"`) {
		t.Errorf("orders-value version 1 in the destination: %d %s; want its reference to name dc_money", status, body)
	}
	if status, _ := answer(t, dst, "/subjects/:.dr:dc_money/versions/1"); status != http.StatusOK {
		t.Errorf("the referenced dc_money version 1 not copied: %d", status)
	}
}

// TestExporterContextNone: NONE copies into the destination's own contexts, the default
// context's subjects into its default context (with the registry put in IMPORT mode) and
// a subject of another context into that context. A ":*:" exporter copies every context.
func TestExporterContextNone(t *testing.T) {
	e := newEnv(t)
	e.apply(t, filled...)
	e.apply(t, step{"POST", "/subjects/:.staging:money/versions", `{"schema":` + quoted(moneySchema) + `}`},
		step{"POST", "/subjects/:.staging:late/versions", `{"schema":"\"int\""}`})
	e.create(t, store.Exporter{Name: "same", ContextType: "NONE", Subjects: []string{":*:"}})
	e.run(t)
	e.caughtUp(t, "same")
	all := append(exported, "money", "money-copy", ":.staging:money", ":.staging:late")
	assertSame(t, e.sourceSide(), e.destSide(".", ".", ""), all...)
	if _, body := answer(t, e.destSide(".", ".", ""), "/mode"); body != `{"mode":"IMPORT"}` {
		t.Errorf("destination's global mode: %s, want IMPORT", body)
	}
	e.apply(t, step{"POST", "/subjects/:.staging:late/versions", `{"schema":"\"long\""}`})
	e.caughtUp(t, "same")
	assertSame(t, e.sourceSide(), e.destSide(".", ".", ""), ":.staging:late")
}

// TestExporterAutoKeepsOtherContextsApart: under AUTO a subject of the source's context
// .staging goes to the context .src.staging of the destination, which the exporter puts in
// IMPORT mode too; the ids of the two source contexts do not meet.
func TestExporterAutoKeepsOtherContextsApart(t *testing.T) {
	e := newEnv(t)
	e.apply(t, step{"POST", "/subjects/a/versions", `{"schema":"\"int\""}`},
		step{"POST", "/subjects/:.staging:b/versions", `{"schema":"\"string\""}`})
	e.create(t, store.Exporter{Name: "auto", ContextType: "AUTO", Subjects: []string{":*:"}})
	e.run(t)
	e.caughtUp(t, "auto")
	assertSame(t, e.sourceSide(), e.destSide(".", ".src", ""), "a")
	assertSame(t, e.sourceSide(), e.destSide(".staging", ".src.staging", ""), ":.staging:b")
	if _, body := answer(t, e.destSide(".", ".", ""), "/mode/:.src.staging:"); body != `{"mode":"IMPORT"}` {
		t.Errorf("mode of .src.staging on the destination: %s", body)
	}
}

// TestExporterRefusesAPopulatedTargetWithoutImport: the destination will not switch a
// context that has subjects to IMPORT without force; the exporter goes to ERROR and its
// trace says what to do.
func TestExporterRefusesAPopulatedTargetWithoutImport(t *testing.T) {
	e := newEnv(t)
	mustCall(t, "POST", e.dest.URL()+"/subjects/theirs/versions", `{"schema":"\"int\""}`)
	e.apply(t, step{"POST", "/subjects/a/versions", `{"schema":"\"int\""}`})
	e.create(t, store.Exporter{Name: "none", ContextType: "NONE", Subjects: []string{"*"}})
	e.run(t)
	st := e.inState(t, "none", store.ExporterError)
	for _, want := range []string{"42205", "IMPORT", "force"} {
		if !strings.Contains(st.Trace, want) {
			t.Errorf("trace %q does not say %q", st.Trace, want)
		}
	}
	// Fixed as the trace says, then resumed: the copy completes.
	mustCall(t, "PUT", e.dest.URL()+"/mode?force=true", `{"mode":"IMPORT"}`)
	e.setState(t, "none", store.ExporterStarting)
	e.caughtUp(t, "none")
	assertSame(t, e.sourceSide(), e.destSide(".", ".", ""), "a")
}

// TestExporterAllContextsSkipsImportedCopies: under ":*:", a source context in IMPORT mode
// (another registry's exporter keeps its copy there) is not copied, so that two registries
// exporting to each other do not nest copies without end; a pattern naming it still copies it.
func TestExporterAllContextsSkipsImportedCopies(t *testing.T) {
	e := newEnv(t)
	e.apply(t,
		step{"POST", "/subjects/:.b:own/versions", `{"schema":"\"int\""}`},
		step{"PUT", "/mode/:.peer:", `{"mode":"IMPORT"}`},
		step{"POST", "/subjects/:.peer:copied/versions", `{"schema":"\"long\"","id":7,"version":1}`},
	)
	e.create(t, store.Exporter{Name: "all", ContextType: "CUSTOM", Context: ".dr", Subjects: []string{":*:"}})
	e.create(t, store.Exporter{Name: "named", ContextType: "CUSTOM", Context: ".named", Subjects: []string{":.peer:*"}})
	e.run(t)
	e.caughtUp(t, "all")
	e.caughtUp(t, "named")
	dst := e.destSide(".", ".dr", "")
	if status, body := answer(t, dst, "/subjects/:.dr.b:own/versions/1"); status != http.StatusOK {
		t.Errorf("a context in READWRITE not copied under :*:: %d %s", status, body)
	}
	if status, body := answer(t, dst, "/subjects/:.dr.peer:copied/versions"); status != http.StatusNotFound {
		t.Errorf("a context in IMPORT copied under :*:: %d %s", status, body)
	}
	if status, body := answer(t, dst, "/subjects/:.named.peer:copied/versions/1"); status != http.StatusOK {
		t.Errorf("a context in IMPORT named by a pattern not copied: %d %s", status, body)
	}
}
