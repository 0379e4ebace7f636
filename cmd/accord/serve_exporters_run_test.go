package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeRunsExporters: serve wires the /exporters API to a running exporter. An exporter
// created on one embedded instance copies into another's context, with ids; its secret is
// neither answered nor kept in clear with ACCORD_PASSWORD_ENCODER_SECRET; its metrics are on /metrics; --max-exporters bounds the count.
func TestServeRunsExporters(t *testing.T) {
	t.Setenv("ACCORD_PASSWORD_ENCODER_SECRET", "an encoder secret")
	srcDir := filepath.Join(t.TempDir(), "src")
	src := startServe(t, "--data-dir", srcDir, "--max-exporters", "1")
	dst := startServe(t, "--data-dir", filepath.Join(t.TempDir(), "dst"))
	if status, body := call(t, "POST", src+"/subjects/orders/versions", `{"schema":"\"int\""}`); status != 200 {
		t.Fatalf("register: %d %s", status, body)
	}
	exporter := `{"name":"dr","contextType":"CUSTOM","context":"dr","config":{"schema.registry.url":"` + dst + `","basic.auth.user.info":"u:p"}}`
	if status, body := call(t, "POST", src+"/exporters", exporter); status != 200 || body != `{"name":"dr"}` {
		t.Fatalf("create the exporter: %d %s", status, body)
	}
	waitForVersion(t, dst+"/subjects/:.dr:orders/versions/1", src+"/exporters/dr/status")
	if _, body := call(t, "GET", src+"/exporters/dr/config", ""); strings.Contains(body, "u:p") {
		t.Errorf("the exporter's config answers its secret: %s", body)
	}
	files, err := filepath.Glob(filepath.Join(srcDir, exportersDir, "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("the exporters' log files: %v %v", files, err)
	}
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil && strings.Contains(string(data), "u:p") {
			t.Errorf("%s holds the exporter's secret in clear", f)
		}
	}
	if _, body := call(t, "GET", src+"/metrics", ""); !strings.Contains(body, `accord_exporter_state{exporter="dr"`) {
		t.Errorf("/metrics has no accord_exporter_state of the exporter")
	}
	if status, body := call(t, "POST", src+"/exporters", strings.Replace(exporter, `"dr"`, `"dr2"`, 1)); status != 409 || !strings.Contains(body, "40964") {
		t.Errorf("a second exporter with --max-exporters 1: %d %s, want 409 40964", status, body)
	}
	// AUTO exports into the context named after the source id, kept in the data directory.
	if status, body := call(t, "DELETE", src+"/exporters/dr", ""); status != 204 {
		t.Fatalf("delete the exporter: %d %s", status, body)
	}
	id, err := os.ReadFile(filepath.Join(srcDir, exportersDir, sourceIDFile))
	if err != nil {
		t.Fatal(err)
	}
	auto := `{"name":"auto","config":{"schema.registry.url":"` + dst + `"}}`
	if status, body := call(t, "POST", src+"/exporters", auto); status != 200 {
		t.Fatalf("create an AUTO exporter: %d %s", status, body)
	}
	waitForVersion(t, dst+"/subjects/:."+strings.TrimSpace(string(id))+":orders/versions/1", src+"/exporters/auto/status")
}

// waitForVersion polls the version at url until it answers id 1, for up to 30 s; status is
// the exporter's status, shown on failure.
func waitForVersion(t *testing.T, url, status string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, body := call(t, "GET", url, "")
		if code == 200 && strings.Contains(body, `"id":1`) {
			return
		}
		if time.Now().After(deadline) {
			_, state := call(t, "GET", status, "")
			t.Fatalf("GET %s: %d %s after 30 s; exporter status %s", url, code, body, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
