package test

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestExporterEmbeddedToKafka links an embedded registry to one on Kafka: an exporter of
// every subject into the destination's context .dr, created on a source that already has
// schemas, then following each change of the source. After each step the destination
// answers every GET a client uses (versions, ids, schemas, references, configs, modes,
// deleted versions) in .dr as the source answers in its default context.
func TestExporterEmbeddedToKafka(t *testing.T) {
	t.Parallel()
	src := startEmbedded(t, buildAccord(t))
	dst := startKafkaCluster(t, 1, steadyElection)
	dst.waitForLeader(t, dst.nodes, 30*time.Second)
	runLinkSteps(t, src.api(), dst.api(dst.nodes[0]), dst.nodes[0].url())
}

// TestExporterKafkaToEmbedded is TestExporterEmbeddedToKafka the other way round: the
// exporter runs on the elected leader of a registry on Kafka, and keeps its definition and
// state in the _exporter_configs and _exporter_states topics.
func TestExporterKafkaToEmbedded(t *testing.T) {
	t.Parallel()
	src := startKafkaCluster(t, 1, steadyElection)
	src.waitForLeader(t, src.nodes, 30*time.Second)
	dst := startEmbedded(t, buildAccord(t))
	runLinkSteps(t, src.api(src.nodes[0]), dst.api(), dst.url())
}

// linkStep is one change of the source, as the requests that make it.
type linkStep struct {
	name     string
	requests []linkRequest
}

type linkRequest struct {
	method, path string
	body         any
}

// runLinkSteps registers the first step's schemas on src, creates the exporter into dst
// (at dstURL, as the source reaches it), then makes each change and compares the registries
// once the exporter has caught up.
func runLinkSteps(t *testing.T, src, dst jsonClient, dstURL string) {
	t.Helper()
	const name = "dr"
	inDst := inContext(dst, linkedContext)
	for i, step := range linkSteps() {
		for _, r := range step.requests {
			mustCall(t, src, r.method, r.path, r.body)
		}
		if i == 0 {
			createExporter(t, src, linkDefinition(name, dstURL, nil))
		}
		waitExported(t, src, name, time.Minute)
		paths := linkedPaths(t, src, true)
		checkLinked(t, fmt.Sprintf("after step %d (%s)", i+1, step.name), src, inDst, paths)
		if t.Failed() {
			t.FailNow() // the later steps would only repeat the difference
		}
	}
	var mode struct{ Mode string }
	mustGet(t, dst, "/mode/:"+linkedContext+":", &mode)
	if mode.Mode != "IMPORT" {
		t.Errorf("mode of the destination's context %s: %s, want IMPORT", linkedContext, mode.Mode)
	}
}

// linkSteps are the changes of the source, in order: registrations in three formats with
// references, evolutions, soft and hard deletes of versions and subjects, subject configs
// and modes, set and removed.
func linkSteps() []linkStep {
	const (
		money   = `{"type":"record","name":"Money","namespace":"acme","fields":[{"name":"units","type":"long"}]}`
		money2  = `{"type":"record","name":"Money","namespace":"acme","fields":[{"name":"units","type":"long"},{"name":"currency","type":"string","default":"EUR"}]}`
		order   = `{"type":"record","name":"Order","namespace":"acme","fields":[{"name":"total","type":"acme.Money"}]}`
		order2  = `{"type":"record","name":"Order","namespace":"acme","fields":[{"name":"total","type":"acme.Money"},{"name":"note","type":"string","default":""}]}`
		address = `{"type":"object","properties":{"city":{"type":"string"}}}`
		person  = `{"type":"object","properties":{"address":{"$ref":"address.json"}}}`
		event   = "syntax = \"proto3\";\npackage acme;\nmessage Event { string id = 1; }\n"
	)
	post := func(subject string, body map[string]any) linkRequest {
		return linkRequest{http.MethodPost, "/subjects/" + subject + "/versions", body}
	}
	ref := func(name, subject string, version int) []map[string]any {
		return []map[string]any{{"name": name, "subject": subject, "version": version}}
	}
	return []linkStep{
		{"register", []linkRequest{
			post("money", map[string]any{"schema": money}),
			post("plain", map[string]any{"schema": `"int"`}),
			post("team%2Fevents", map[string]any{"schemaType": "PROTOBUF", "schema": event}),
		}},
		{"evolve", []linkRequest{
			post("money", map[string]any{"schema": money2}),
			post("plain", map[string]any{"schema": `"long"`}),
			post("plain-copy", map[string]any{"schema": `"long"`}), // the same schema, so the same id
		}},
		{"references", []linkRequest{
			post("orders-value", map[string]any{"schema": order, "references": ref("acme.Money", "money", 1)}),
			post("orders-value", map[string]any{"schema": order2, "references": ref("acme.Money", "money", 2),
				"metadata": map[string]any{"properties": map[string]string{"owner": "payments"}},
				"ruleSet": map[string]any{"domainRules": []map[string]any{{"name": "checkTotal", "kind": "CONDITION",
					"mode": "WRITE", "type": "CEL", "expr": "message.total.units > 0"}}}}),
			post("address", map[string]any{"schemaType": "JSON", "schema": address}),
			post("customers-value", map[string]any{"schemaType": "JSON", "schema": person, "references": ref("address.json", "address", 1)}),
		}},
		{"soft delete", []linkRequest{
			{http.MethodDelete, "/subjects/plain/versions/1", nil},
			{http.MethodDelete, "/subjects/team%2Fevents", nil},
		}},
		{"hard delete", []linkRequest{
			{http.MethodDelete, "/subjects/plain/versions/1?permanent=true", nil},
			{http.MethodDelete, "/subjects/team%2Fevents?permanent=true", nil},
			{http.MethodDelete, "/subjects/plain-copy", nil},
			{http.MethodDelete, "/subjects/plain-copy?permanent=true", nil},
		}},
		{"subject config", []linkRequest{
			{http.MethodPut, "/config/orders-value", map[string]any{"compatibility": "FULL", "normalize": true}},
			{http.MethodPut, "/config/plain", map[string]any{"compatibility": "NONE"}},
			post("plain", map[string]any{"schema": `"string"`}),
		}},
		{"subject mode", []linkRequest{
			// Not READWRITE: the destination keeps a subject the source has in READWRITE
			// without a mode of its own, so that its context's IMPORT applies to it.
			{http.MethodPut, "/mode/customers-value", map[string]any{"mode": "READONLY"}},
		}},
		{"config and mode removed", []linkRequest{
			{http.MethodDelete, "/config/orders-value", nil},
			{http.MethodDelete, "/mode/customers-value", nil},
			post("team%2Fevents", map[string]any{"schemaType": "PROTOBUF", "schema": event}),
		}},
	}
}
