package exporter_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/accord-registry/accord/store"
)

// step is a request to the source registry.
type step struct{ method, path, body string }

func (e *env) apply(t *testing.T, steps ...step) {
	t.Helper()
	for _, s := range steps {
		mustCall(t, s.method, e.sourceURL+s.path, s.body)
	}
}

const (
	moneySchema = `{"type":"record","name":"Money","namespace":"acme","fields":[{"name":"units","type":"long"}]}`
	orderV1     = `{"type":"record","name":"Order","namespace":"acme","fields":[{"name":"total","type":"acme.Money"}]}`
	orderV2     = `{"type":"record","name":"Order","namespace":"acme","fields":[{"name":"total","type":"acme.Money"},{"name":"note","type":"string","default":""}]}`
)

func quoted(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// filled is the registry the copy tests start from. money is referenced by orders-value
// but not exported; money-copy is neither.
var filled = []step{
	{"POST", "/subjects/money/versions", `{"schema":` + quoted(moneySchema) + `}`},
	{"POST", "/subjects/orders-value/versions", `{"schema":` + quoted(orderV1) + `,"references":[{"name":"acme.Money","subject":"money","version":1}]}`},
	{"POST", "/subjects/orders-value/versions", `{"schema":` + quoted(orderV2) + `,"references":[{"name":"acme.Money","subject":"money","version":1}],"metadata":{"properties":{"owner":"payments"}},"ruleSet":{"domainRules":[{"name":"checkTotal","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"message.total.units > 0"}]}}`},
	{"POST", "/subjects/address/versions", `{"schemaType":"JSON","schema":"{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"}`},
	{"POST", "/subjects/customers-value/versions", `{"schemaType":"JSON","schema":"{\"type\":\"object\",\"properties\":{\"address\":{\"$ref\":\"address.json\"}}}","references":[{"name":"address.json","subject":"address","version":1}]}`},
	{"POST", "/subjects/team%2Fevents/versions", `{"schemaType":"PROTOBUF","schema":"syntax = \"proto3\";\npackage acme;\nmessage Event { string id = 1; }\n"}`},
	{"DELETE", "/subjects/team%2Fevents", ""},
	{"POST", "/subjects/money-copy/versions", `{"schema":"\"bytes\""}`},
	{"PUT", "/config/plain", `{"compatibility":"NONE"}`},
	{"POST", "/subjects/plain/versions", `{"schema":"\"int\""}`},
	{"POST", "/subjects/plain/versions", `{"schema":"\"long\""}`},
	{"POST", "/subjects/plain/versions", `{"schema":"\"string\""}`},
	{"DELETE", "/subjects/plain/versions/1", ""},
	{"DELETE", "/subjects/plain/versions/3", ""},
	{"DELETE", "/subjects/plain/versions/3?permanent=true", ""},
	{"PUT", "/config/orders-value", `{"compatibility":"BACKWARD","normalize":true}`},
	{"PUT", "/mode/customers-value", `{"mode":"READONLY"}`},
}

var exported = []string{"orders-value", "address", "customers-value", "team/events", "plain"}

// TestExporterCopiesAndFollows: an AUTO exporter copies the exported subjects into the
// context named after the source, with their ids, versions, references (the referenced
// subject money too, though it is not exported), metadata, rule sets, soft and hard
// deletes, configs and modes; then it follows registrations, deletes and config and mode
// changes as they happen.
func TestExporterCopiesAndFollows(t *testing.T) {
	e := newEnv(t)
	e.apply(t, filled...)
	e.create(t, store.Exporter{Name: "dr", ContextType: "AUTO", Subjects: []string{"orders*", "address", "customers-value", "team/events", "plain"}})
	e.run(t)
	e.caughtUp(t, "dr")
	src, dst := e.sourceSide(), e.destSide(".", ".src", "")
	assertSame(t, src, dst, exported...)
	// The referenced version of money is there; nothing else of the subjects not exported.
	if status, _ := answer(t, dst, "/subjects/:.src:money/versions/1"); status != http.StatusOK {
		t.Errorf("money version 1, referenced by orders-value, not copied: %d", status)
	}
	if status, body := answer(t, dst, "/subjects/:.src:money-copy/versions"); status != http.StatusNotFound {
		t.Errorf("money-copy, not exported, was copied: %d %s", status, body)
	}
	if _, body := answer(t, dst, "/mode/:.src:"); body != `{"mode":"IMPORT"}` {
		t.Errorf("mode of the target context: %s", body)
	}

	e.apply(t,
		step{"POST", "/subjects/orders-key/versions", `{"schema":"\"string\""}`},
		step{"POST", "/subjects/orders-value/versions", `{"schema":` + quoted(orderV2) + `,"references":[{"name":"acme.Money","subject":"money","version":1}]}`},
		step{"POST", "/subjects/plain/versions", `{"schema":"\"bytes\""}`},
		step{"DELETE", "/subjects/plain/versions/2", ""},
		step{"DELETE", "/subjects/plain/versions/1?permanent=true", ""},
		step{"DELETE", "/config/plain", ""},
		step{"PUT", "/config/address", `{"compatibility":"NONE","validateFields":true}`},
		step{"PUT", "/config/orders-value", `{"compatibility":"FORWARD"}`},
		step{"PUT", "/mode/address", `{"mode":"READONLY"}`},
		step{"DELETE", "/mode/customers-value", ""},
		step{"POST", "/subjects/customers-value/versions", `{"schemaType":"JSON","schema":"{\"type\":\"object\"}"}`},
		step{"DELETE", "/subjects/team%2Fevents?permanent=true", ""},
	)
	e.caughtUp(t, "dr")
	assertSame(t, src, dst, append(exported, "orders-key")...)

	// Versions added to a READONLY subject (the mode lifted and set again on the source).
	e.apply(t,
		step{"DELETE", "/mode/address", ""},
		step{"POST", "/subjects/address/versions", `{"schemaType":"JSON","schema":"{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"zip\":{\"type\":\"string\"}}}"}`},
		step{"PUT", "/mode/address", `{"mode":"READONLY"}`},
		step{"DELETE", "/subjects/orders-key", ""},
		step{"DELETE", "/subjects/orders-key?permanent=true", ""},
	)
	e.caughtUp(t, "dr")
	assertSame(t, src, dst, append(exported, "orders-key")...)
}

// TestExporterCopiesScopeConfigs: the source's global config, and a context's, follow the
// subjects they govern into the destination: into the target context's config under
// AUTO/CUSTOM, the destination's global config under NONE. Modes are not copied: the
// destination's stay IMPORT.
func TestExporterCopiesScopeConfigs(t *testing.T) {
	e := newEnv(t)
	e.apply(t,
		step{"PUT", "/config", `{"compatibility":"FULL_TRANSITIVE"}`},
		step{"POST", "/subjects/a/versions", `{"schema":"\"int\""}`},
		step{"PUT", "/config/:.staging:", `{"compatibility":"NONE"}`},
		step{"POST", "/subjects/:.staging:b/versions", `{"schema":"\"int\""}`},
	)
	e.create(t, store.Exporter{Name: "dr", ContextType: "CUSTOM", Context: ".dr", Subjects: []string{":*:"}})
	e.run(t)
	e.caughtUp(t, "dr")
	dst := e.destSide(".", ".dr", "")
	want := map[string]string{
		"/config/:.dr:":         `{"compatibilityLevel":"FULL_TRANSITIVE"}`,
		"/config/:.dr.staging:": `{"compatibilityLevel":"NONE"}`,
		"/mode/:.dr:":           `{"mode":"IMPORT"}`,
	}
	for path, body := range want {
		if _, got := answer(t, dst, path); got != body {
			t.Errorf("GET %s on the destination: %s, want %s", path, got, body)
		}
	}
	e.apply(t, step{"PUT", "/config", `{"compatibility":"BACKWARD","normalize":true}`}, step{"DELETE", "/config/:.staging:", ""})
	e.caughtUp(t, "dr")
	if _, got := answer(t, dst, "/config/:.dr:"); got != `{"compatibilityLevel":"BACKWARD","normalize":true}` {
		t.Errorf("the global config changed on the source; the target context's: %s", got)
	}
	if status, got := answer(t, dst, "/config/:.dr.staging:"); status != http.StatusNotFound {
		t.Errorf("the staging context's config removed on the source; on the destination: %d %s", status, got)
	}
}
