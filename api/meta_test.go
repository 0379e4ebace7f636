package api

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDeploymentAttributes checks that /v1/metadata/deployment reports the configured
// attributes trimmed, as Confluent's Props.getSchemaRegistryDeployment does (the empty default
// is pinned by the golden exchanges).
func TestDeploymentAttributes(t *testing.T) {
	e := New(Config{Store: openTestStore(t), Logger: testLogger(t), DeploymentAttributes: []string{" cloud ", "dedicated"}})
	rec := serveRecorded(e, "GET", "/v1/metadata/deployment", "")
	got := answer{rec.Code, rec.Header().Get("Content-Type"), rec.Body.String()}
	want := answer{200, v1JSON, `{"attributes":["cloud","dedicated"]}`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("deployment (-want +got):\n%s", diff)
	}
}
