package api

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-registry/accord/api/auth"
	"github.com/accord-registry/accord/api/exporter"
)

// TestExportersAuthorization: exporters are settings of the whole registry: only the global
// admin grant reaches their routes, reads included (a definition names the destination and
// holds its credentials); a subject admin or a global reader is refused with 40301.
func TestExportersAuthorization(t *testing.T) {
	var file strings.Builder
	file.WriteString("users:\n")
	for _, u := range []string{"payments", "orders", "analytics", "ops"} {
		file.WriteString("  - name: " + u + "\n    password: \"" + hashTeamPassword(t) + "\"\n")
	}
	file.WriteString(teamsPolicy + `
  - principals: [orders]
    subjects: ["*"]
    access: admin
`)
	path := filepath.Join(t.TempDir(), "users.yaml")
	if err := os.WriteFile(path, []byte(file.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	users, err := auth.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	st := openTestStore(t)
	mgr := exporter.NewManager(exporter.NewCatalog(st, st), exporter.ManagerConfig{})
	base := serveHTTP(t, New(Config{Store: openTestStore(t), Logger: testLogger(t), Authenticator: users, Policy: users, Exporters: mgr})).URL

	const create = `{"name":"dr","config":{"schema.registry.url":"http://dr.example:8081"}}`
	routes := []struct{ method, path, body string }{
		{"GET", "/exporters", ""},
		{"GET", "/exporters/dr", ""},
		{"GET", "/exporters/dr/status", ""},
		{"GET", "/exporters/dr/config", ""},
		{"PUT", "/exporters/dr/pause", ""},
		{"PUT", "/exporters/dr", `{"subjects":["orders-*"]}`},
		{"PUT", "/exporters/dr/config", `{"schema.registry.url":"http://dr2.example:8081"}`},
		{"PUT", "/exporters/dr/reset", ""},
		{"PUT", "/exporters/dr/resume", ""},
		{"DELETE", "/exporters/dr", ""},
		{"POST", "/exporters", create},
	}
	mustStatus(t, base, "POST", "/exporters", create, as("ops"), 200)
	for _, user := range []string{"payments", "orders", "analytics"} {
		for _, r := range routes {
			got, _ := do(t, r.method, base+r.path, r.body, as(user))
			if got.Status != 403 || !strings.Contains(got.Body, `"error_code":40301`) || !strings.Contains(got.Body, "the exporters") {
				t.Errorf("%s: %s %s = %+v, want 403 (40301) on the exporters", user, r.method, r.path, got)
			}
		}
	}
	want := []int{200, 200, 200, 200, 200, 200, 200, 200, 200, 204, 200}
	for i, r := range routes {
		mustStatus(t, base, r.method, r.path, r.body, as("ops"), want[i])
	}
	if got, _ := do(t, "GET", base+"/exporters", "", nil); got.Status != 401 {
		t.Errorf("anonymous list = %+v, want 401", got)
	}
}
