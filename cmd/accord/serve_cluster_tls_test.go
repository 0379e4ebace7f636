package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// TestForwardingOverMutualTLS runs two instances on one Kafka cluster, each serving HTTPS
// that requires client certificates, with access rules; writes sent to either instance
// succeed, so the follower's forwarded write reaches the leader over TLS with the
// follower's certificate, and the caller's rights are checked on the way.
func TestForwardingOverMutualTLS(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	dir := t.TempDir()
	ca := newTestCA(t, "accord test CA")
	certPEM, keyPEM := ca.issue(t, "accord-peer", 2, x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth)
	files := map[string][]byte{"peer.crt": certPEM, "peer.key": keyPEM, "ca.crt": ca.pem, "users.yaml": usersWithRules()}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var addrs []string
	for i := range 2 {
		ln := listenLoopback(t)
		addr := ln.Addr().String()
		startServeOn(t, ln, "--data-dir", filepath.Join(dir, fmt.Sprint("data", i)),
			"--kafka-brokers", cluster.ListenAddrs()[0], "--advertised-url", "https://"+addr,
			"--tls-cert", filepath.Join(dir, "peer.crt"), "--tls-key", filepath.Join(dir, "peer.key"),
			"--tls-client-ca", filepath.Join(dir, "ca.crt"), "--auth-file", filepath.Join(dir, "users.yaml"))
		addrs = append(addrs, addr)
	}
	app := clientTLS(ca.pool(), ca.clientCert(t, "app"))
	reader := clientTLS(ca.pool(), ca.clientCert(t, "reader"))
	for i, addr := range addrs {
		subject := fmt.Sprint("via-", i)
		waitForWrite(t, addr, app, subject)
		if got := post(t, addr, reader, "/subjects/"+subject+"-r/versions"); got != http.StatusForbidden {
			t.Errorf("a reader's write through instance %d: %d, want 403", i, got)
		}
	}
	// Both writes are in both instances: whichever was the follower forwarded its own.
	for _, addr := range addrs {
		client := &http.Client{Transport: &http.Transport{TLSClientConfig: app}, Timeout: 10 * time.Second}
		resp, err := client.Get("https://" + addr + "/subjects")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		client.CloseIdleConnections()
		if err != nil || !strings.Contains(string(body), "via-0") || !strings.Contains(string(body), "via-1") {
			t.Errorf("subjects at %s: %s %v", addr, body, err)
		}
	}
}

// usersWithRules lets the instances' certificate (accord-peer) and the app write, and the
// reader only read. Every caller here is known by its certificate, so the file has no users.
func usersWithRules() []byte {
	return []byte(`users: []
rules:
  - principals: [accord-peer, app]
    subjects: ["*"]
    access: write
  - principals: [reader]
    subjects: ["*"]
    access: read
`)
}

// waitForWrite registers a schema under subject through addr, retrying while the instances
// elect a leader, for up to 30 s.
func waitForWrite(t *testing.T, addr string, cfg *tls.Config, subject string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := post(t, addr, cfg, "/subjects/"+subject+"/versions")
		if got == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("registering %s through %s: %d, want 200 within 30 s", subject, addr, got)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func post(t *testing.T, addr string, cfg *tls.Config, path string) int {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 20 * time.Second}
	defer client.CloseIdleConnections()
	resp, err := client.Post("https://"+addr+path, "application/vnd.schemaregistry.v1+json", strings.NewReader(`{"schema":"\"int\""}`))
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
