package exporter_test

import (
	"testing"

	"github.com/accord-registry/accord/store"
)

// TestExporterOddSubjectNames: subjects whose names hold ':', '%', '?', '#', spaces and
// non-ASCII letters are copied under the same names, a soft-deleted then re-registered one
// and a hard-deleted one registered again with another schema (same version, new id) too.
func TestExporterOddSubjectNames(t *testing.T) {
	e := newEnv(t)
	names := []string{"a:b", "50%25off", "q%3Fx%23y", "sp%20ace", "%C3%A9t%C3%A9", "re"}
	for _, n := range names {
		e.apply(t, step{"POST", "/subjects/" + n + "/versions", `{"schema":"\"string\""}`})
	}
	e.create(t, store.Exporter{Name: "dr", Subjects: []string{"*"}})
	e.run(t)
	e.caughtUp(t, "dr")
	e.apply(t,
		step{"DELETE", "/subjects/re", ""},
		step{"DELETE", "/subjects/re?permanent=true", ""},
		step{"POST", "/subjects/re/versions", `{"schema":"\"long\""}`},
		step{"DELETE", "/subjects/a:b/versions/1", ""},
		step{"POST", "/subjects/a:b/versions", `{"schema":"\"string\""}`},
	)
	e.caughtUp(t, "dr")
	assertSame(t, e.sourceSide(), e.destSide(".", ".src", ""), "a:b", "50%off", "q?x#y", "sp ace", "été", "re")
}
