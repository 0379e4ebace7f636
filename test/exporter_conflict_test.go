package test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestExporterConflict: the destination's context already binds the id of a source schema
// to another schema. The exporter stops in ERROR with a trace that names the subject, the
// version, the id and the destination's refusal; once the operator removes the offending
// subject from the destination, PUT /exporters/{name}/resume finishes the copy.
func TestExporterConflict(t *testing.T) {
	t.Parallel()
	const name = "dr"
	bin := buildAccord(t)
	src, dst := startEmbedded(t, bin), startEmbedded(t, bin)
	mustCall(t, src.api(), http.MethodPost, "/subjects/orders-value/versions", map[string]any{"schema": `"int"`})
	mustCall(t, src.api(), http.MethodPost, "/subjects/payments-value/versions", map[string]any{"schema": `"long"`})
	// The destination's context holds id 1 as another schema.
	mustCall(t, dst.api(), http.MethodPut, "/mode/:"+linkedContext+":", map[string]any{"mode": "IMPORT"})
	mustCall(t, dst.api(), http.MethodPost, "/subjects/:"+linkedContext+":intruder/versions",
		map[string]any{"schema": `"string"`, "id": 1, "version": 1})

	createExporter(t, src.api(), linkDefinition(name, dst.url(), nil))
	failed := waitExporterState(t, src.api(), name, "ERROR", time.Minute)
	for what, pattern := range map[string]string{
		"the source subject":      `orders-value`,
		"the version":             `(?i)version\D{0,3}1\b`,
		"the id":                  `(?i)\bid\D{0,3}1\b`,
		"the destination's error": `42205`,
	} {
		if !regexp.MustCompile(pattern).MatchString(failed.Trace) {
			t.Errorf("the trace does not name %s (%s): %q", what, pattern, failed.Trace)
		}
	}
	// An exporter in ERROR stays there: nothing more is written.
	time.Sleep(2 * time.Second)
	if st, err := exporterState(src.api(), name); err != nil || st.State != "ERROR" {
		t.Errorf("status 2 s after the error: %+v %v, want ERROR still", st, err)
	}

	mustCall(t, dst.api(), http.MethodDelete, "/subjects/:"+linkedContext+":intruder", nil)
	mustCall(t, dst.api(), http.MethodDelete, "/subjects/:"+linkedContext+":intruder?permanent=true", nil)
	mustCall(t, src.api(), http.MethodPut, "/exporters/"+name+"/resume", nil)
	done := waitExported(t, src.api(), name, time.Minute)
	if strings.TrimSpace(done.Trace) != "" {
		t.Errorf("status after the resume: %+v, want no trace", done)
	}
	checkLinked(t, "after the resume", src.api(), inContext(dst.api(), linkedContext), linkedPaths(t, src.api(), true))
}
