package exporter

import (
	"testing"

	"github.com/accord-registry/accord/store"
)

func TestMappingMatches(t *testing.T) {
	m := newMapping(store.Exporter{Subjects: []string{"orders", "pay*", ":.staging:x"}}, "src")
	for subject, want := range map[string]bool{
		"orders": true, "orders2": false, "payments": true, "pay": true, ":.other:payments": false,
		":.staging:x": true, "x": false, "": false, ":.staging:": false,
	} {
		if got := m.matches(subject); got != want {
			t.Errorf("matches(%q) = %v, want %v", subject, got, want)
		}
	}
	all := newMapping(store.Exporter{Subjects: []string{"*"}}, "src")
	if !all.matches("a") || all.matches(":.staging:a") {
		t.Error(`"*" must match every subject of the default context and only those`)
	}
	every := newMapping(store.Exporter{Subjects: []string{":*:"}}, "src")
	if !every.matches("a") || !every.matches(":.staging:a") || every.matches(":.staging:") {
		t.Error(`":*:" must match every subject of every context`)
	}
}

func TestMappingDestination(t *testing.T) {
	cases := []struct {
		e                     store.Exporter
		subject, want, refSrc string
	}{
		{store.Exporter{ContextType: "AUTO"}, "orders", ":.src:orders", ""},
		{store.Exporter{ContextType: "auto"}, ":.staging:orders", ":.src.staging:orders", ""},
		{store.Exporter{ContextType: "CUSTOM", Context: "dr", SubjectRenameFormat: "dc_${subject}"}, "orders", ":.dr:dc_orders", ""},
		{store.Exporter{ContextType: "CUSTOM", Context: ".dr"}, ":.staging:orders", ":.dr.staging:orders", ""},
		{store.Exporter{ContextType: "NONE"}, "orders", "orders", ""},
		{store.Exporter{ContextType: "NONE", SubjectRenameFormat: "${subject}-copy"}, ":.staging:orders", ":.staging:orders-copy", ""},
	}
	for _, c := range cases {
		if got := newMapping(c.e, "src").destination(c.subject); got != c.want {
			t.Errorf("%+v: destination(%q) = %q, want %q", c.e, c.subject, got, c.want)
		}
	}
}

func TestMappingReferences(t *testing.T) {
	m := newMapping(store.Exporter{ContextType: "CUSTOM", Context: "dr", SubjectRenameFormat: "dc_${subject}"}, "src")
	for _, c := range []struct{ referring, ref, source, dest string }{
		{"orders", "money", "money", "dc_money"},
		{":.staging:orders", "money", ":.staging:money", "dc_money"},
		{"orders", ":.staging:money", ":.staging:money", ":.dr.staging:dc_money"},
		{":.staging:orders", ":.:money", "money", ":.dr:dc_money"},
	} {
		source, dest := m.referenceSubject(c.referring, c.ref)
		if source != c.source || dest != c.dest {
			t.Errorf("reference %q of %q: source %q, destination %q; want %q, %q", c.ref, c.referring, source, dest, c.source, c.dest)
		}
	}
}

// TestMappingSkipsItsOwnTarget: ":*:" (or a pattern naming the target) never matches the
// subjects of the exporter's own target context or of the contexts under it, which are its
// own copies when the destination is reached back (through a proxy, another spelling that
// cannot be told apart): copying them would nest ".dr.dr", ".dr.dr.dr"... without end.
func TestMappingSkipsItsOwnTarget(t *testing.T) {
	for _, e := range []store.Exporter{
		{ContextType: "AUTO", Subjects: []string{":*:"}},
		{ContextType: "CUSTOM", Context: ".src", Subjects: []string{":*:", ":.src:*"}},
	} {
		m := newMapping(e, "src")
		for subject, want := range map[string]bool{"a": true, ":.other:a": true, ":.srcx:a": true, ":.src:a": false, ":.src.other:a": false} {
			if got := m.matches(subject); got != want {
				t.Errorf("%+v: matches(%q) = %v, want %v", e, subject, got, want)
			}
		}
	}
	none := newMapping(store.Exporter{ContextType: "NONE", Subjects: []string{":*:"}}, "src")
	if !none.matches(":.src:a") {
		t.Error("NONE has no target of its own: every context is exported")
	}
}
