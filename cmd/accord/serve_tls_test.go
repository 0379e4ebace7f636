package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestServeTLS serves HTTPS without client certificates: a client that trusts the CA gets
// answers over HTTP/2, plain HTTP and TLS 1.1 get nothing.
func TestServeTLS(t *testing.T) {
	ca := newTestCA(t, "server CA")
	certFile, keyFile := writeServerCert(t, t.TempDir(), ca, 1)
	addr, logs := startTLSServe(t, "--tls-cert", certFile, "--tls-key", keyFile)
	roots := ca.pool()

	resp := waitForHTTPS(t, addr, clientTLS(roots))
	if resp.ProtoMajor != 2 || resp.TLS.Version < tls.VersionTLS12 {
		t.Errorf("negotiated %s over TLS %x, want HTTP/2 over TLS 1.2 or later", resp.Proto, resp.TLS.Version)
	}
	if !strings.Contains(logs.String(), `msg="tls on" client_auth=none`) {
		t.Errorf("no start line saying TLS is on without client certificates in:\n%s", logs)
	}
	if resp, err := http.Get("http://" + addr + "/subjects"); err == nil {
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("plain HTTP to the TLS port: %d, want it refused", resp.StatusCode)
		}
	}
	old := clientTLS(roots)
	old.MinVersion, old.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
	_, err := tlsDial(addr, old)
	if err == nil || !strings.Contains(err.Error(), "protocol version") {
		t.Errorf("a TLS 1.1 client: %v, want the server to refuse the protocol version", err)
	}
}

// TestServeTLSClientCertRequired requires a client certificate from the CA bundle.
func TestServeTLSClientCertRequired(t *testing.T) {
	serverCA, clientCA, otherCA := newTestCA(t, "server CA"), newTestCA(t, "client CA"), newTestCA(t, "other CA")
	dir := t.TempDir()
	certFile, keyFile := writeServerCert(t, dir, serverCA, 1)
	addr, logs := startTLSServe(t, "--tls-cert", certFile, "--tls-key", keyFile, "--tls-client-ca", writeCABundle(t, dir, clientCA))
	roots := serverCA.pool()

	// The per-handshake config from GetConfigForClient must keep ALPN: HTTP/2 still works.
	resp := waitForHTTPS(t, addr, clientTLS(roots, clientCA.clientCert(t, "team-a")))
	if resp.ProtoMajor != 2 {
		t.Errorf("negotiated %s with a client certificate, want HTTP/2", resp.Proto)
	}
	if !strings.Contains(logs.String(), `msg="tls on" client_auth=require`) {
		t.Errorf("no start line saying client certificates are required in:\n%s", logs)
	}
	if resp, err := httpsGet(addr, clientTLS(roots)); err == nil {
		t.Errorf("without a client certificate: %d, want the handshake refused", resp.StatusCode)
	}
	if resp, err := httpsGet(addr, clientTLS(roots, otherCA.clientCert(t, "stranger"))); err == nil {
		t.Errorf("with a certificate from another CA: %d, want the handshake refused", resp.StatusCode)
	}
}

// TestServeTLSClientCertRequested verifies a client certificate only when one is presented.
func TestServeTLSClientCertRequested(t *testing.T) {
	serverCA, clientCA, otherCA := newTestCA(t, "server CA"), newTestCA(t, "client CA"), newTestCA(t, "other CA")
	dir := t.TempDir()
	certFile, keyFile := writeServerCert(t, dir, serverCA, 1)
	addr, _ := startTLSServe(t, "--tls-cert", certFile, "--tls-key", keyFile,
		"--tls-client-ca", writeCABundle(t, dir, clientCA), "--tls-client-auth", "request")
	roots := serverCA.pool()

	waitForHTTPS(t, addr, clientTLS(roots))
	if resp, err := httpsGet(addr, clientTLS(roots, clientCA.clientCert(t, "team-a"))); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("with a good client certificate: %v, want 200", statusOrErr(resp, err))
	}
	if resp, err := httpsGet(addr, clientTLS(roots, otherCA.clientCert(t, "stranger"))); err == nil {
		t.Errorf("with a certificate from another CA: %d, want the handshake refused", resp.StatusCode)
	}
}

// TestServeTLSReloadsOnHangup rotates the server certificate and the client CA bundle under a
// running server: after SIGHUP both are in force without a restart; files that do not load
// on the next SIGHUP leave them in force.
func TestServeTLSReloadsOnHangup(t *testing.T) {
	serverCA, firstCA, secondCA := newTestCA(t, "server CA"), newTestCA(t, "first client CA"), newTestCA(t, "second client CA")
	dir := t.TempDir()
	certFile, keyFile := writeServerCert(t, dir, serverCA, 1)
	bundle := writeCABundle(t, dir, firstCA)
	addr, logs := startTLSServe(t, "--tls-cert", certFile, "--tls-key", keyFile, "--tls-client-ca", bundle)
	roots := serverCA.pool()
	firstClient, secondClient := clientTLS(roots, firstCA.clientCert(t, "ops")), clientTLS(roots, secondCA.clientCert(t, "ops"))
	waitForHTTPS(t, addr, firstClient)

	writeServerCert(t, dir, serverCA, 2)
	writeCABundle(t, dir, secondCA)
	hangUp(t)
	waitForSerial(t, addr, secondClient, 2)
	if resp, err := httpsGet(addr, secondClient); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("a client of the new CA after the reload: %v, want 200", statusOrErr(resp, err))
	}
	if resp, err := httpsGet(addr, firstClient); err == nil {
		t.Fatalf("a client of the CA taken out of the bundle: %d, want the handshake refused", resp.StatusCode)
	}

	if err := os.WriteFile(certFile, []byte("-----BEGIN CERTIFICATE-----\nbroken\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	hangUp(t)
	waitForLog(t, logs, "tls certificate not reloaded")
	if serial, err := servedSerial(addr, secondClient); err != nil || serial != 2 {
		t.Fatalf("after a broken certificate was offered: serial %d (%v), want 2 still served", serial, err)
	}
}

// TestServeTLSFlagErrors checks that TLS mistakes stop serve with an error that names the
// flag before it listens: the port is taken, so a later failure would be "address in use".
func TestServeTLSFlagErrors(t *testing.T) {
	ca := newTestCA(t, "CA")
	dir := t.TempDir()
	cert, key := writeServerCert(t, dir, ca, 1)
	bundle, missing := writeCABundle(t, dir, ca), filepath.Join(dir, "missing.pem")
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	for _, tc := range []struct {
		name string
		args []string
		env  string // ACCORD_TLS_CLIENT_AUTH, when not empty
		want string
	}{
		{"cert without key", []string{"--tls-cert", cert}, "", "--tls-cert needs --tls-key"},
		{"key without cert", []string{"--tls-key", key}, "", "--tls-key needs --tls-cert"},
		{"client CA without cert", []string{"--tls-client-ca", bundle}, "", "--tls-client-ca needs --tls-cert"},
		{"client auth without client CA", []string{"--tls-cert", cert, "--tls-key", key, "--tls-client-auth", "require"}, "", "--tls-client-auth needs --tls-client-ca"},
		{"unknown client auth", []string{"--tls-cert", cert, "--tls-key", key, "--tls-client-ca", bundle, "--tls-client-auth", "optional"}, "", `--tls-client-auth "optional"`},
		{"unknown client auth from the environment", []string{"--tls-cert", cert, "--tls-key", key, "--tls-client-ca", bundle}, "sometimes", `--tls-client-auth "sometimes"`},
		{"missing cert", []string{"--tls-cert", missing, "--tls-key", key}, "", "no such file"},
		{"cert and key swapped", []string{"--tls-cert", key, "--tls-key", cert}, "", "--tls-cert " + key},
		{"missing client CA", []string{"--tls-cert", cert, "--tls-key", key, "--tls-client-ca", missing}, "", "--tls-client-ca: open"},
		{"client CA without certificates", []string{"--tls-cert", cert, "--tls-key", key, "--tls-client-ca", key}, "", "holds no PEM certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("ACCORD_TLS_CLIENT_AUTH", tc.env)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			args := append([]string{"--listen", taken.Addr().String(), "--data-dir", t.TempDir()}, tc.args...)
			err := serve(ctx, args, io.Discard, &syncBuffer{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("serve %v: %v, want an error containing %q", tc.args, err, tc.want)
			}
		})
	}
}

// startTLSServe runs `accord serve` on a free loopback port with the extra flags until the
// test ends, and hands back its address and log.
func startTLSServe(t *testing.T, flags ...string) (addr string, logs *syncBuffer) {
	t.Helper()
	ln := listenLoopback(t)
	addr, logs = ln.Addr().String(), &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	args := append([]string{"--data-dir", t.TempDir()}, flags...)
	go func() { served <- serveOn(ctx, ln, args, io.Discard, logs) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("serve did not stop within 10 s of its context ending")
		}
	})
	return addr, logs
}

// waitForHTTPS polls until GET /subjects answers 200 over TLS, for up to 10 s.
func waitForHTTPS(t *testing.T, addr string, cfg *tls.Config) *http.Response {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := httpsGet(addr, cfg)
		if err == nil && resp.StatusCode == http.StatusOK {
			return resp
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET https://%s/subjects: %v, want 200", addr, statusOrErr(resp, err))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// httpsGet sends GET /subjects on a connection of its own, so that each call does a full
// handshake with the server's current certificate and CA bundle.
func httpsGet(addr string, cfg *tls.Config) (*http.Response, error) {
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: cfg.Clone(), ForceAttemptHTTP2: true, DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	resp, err := client.Get("https://" + addr + "/subjects")
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return resp, nil
}

func statusOrErr(resp *http.Response, err error) any {
	if err != nil {
		return err
	}
	return resp.StatusCode
}

func tlsDial(addr string, cfg *tls.Config) (tls.ConnectionState, error) {
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, cfg.Clone())
	if err != nil {
		return tls.ConnectionState{}, err
	}
	defer conn.Close()
	return conn.ConnectionState(), nil
}

// servedSerial is the serial number of the certificate the server presents now.
func servedSerial(addr string, cfg *tls.Config) (int64, error) {
	state, err := tlsDial(addr, cfg)
	if err != nil {
		return 0, err
	}
	return state.PeerCertificates[0].SerialNumber.Int64(), nil
}

// waitForSerial polls until the server presents the certificate with the serial, for up to 10 s.
func waitForSerial(t *testing.T, addr string, cfg *tls.Config, want int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := servedSerial(addr, cfg)
		if err == nil && got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("served certificate: serial %d (%v), want %d", got, err, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitForLog polls until the log holds the text, for up to 10 s.
func waitForLog(t *testing.T, logs *syncBuffer, text string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log:\n%s", text, logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func hangUp(t *testing.T) {
	t.Helper()
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
}

// clientTLS trusts roots and presents the client certificate, if one is given. It presents
// it whatever CAs the server says it accepts: a Go client given the certificate in
// Certificates would hold back one from another CA, and the server's check would go untested.
func clientTLS(roots *x509.CertPool, cert ...tls.Certificate) *tls.Config {
	cfg := &tls.Config{RootCAs: roots}
	if len(cert) > 0 {
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert[0], nil }
	}
	return cfg
}

// syncBuffer is a log that the server writes while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testCA is a certificate authority that lives for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key := newTestKey(t)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, pem: pemOf("CERTIFICATE", der)}
}

func (ca *testCA) pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	return pool
}

// issue signs a leaf certificate. A server certificate is valid for 127.0.0.1, where the
// tests listen.
func (ca *testCA) issue(t *testing.T, name string, serial int64, usages ...x509.ExtKeyUsage) (certPEM, keyPEM []byte) {
	t.Helper()
	key := newTestKey(t)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: usages}
	if slices.Contains(usages, x509.ExtKeyUsageServerAuth) {
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pemOf("CERTIFICATE", der), pemOf("PRIVATE KEY", keyDER)
}

func (ca *testCA) clientCert(t *testing.T, name string) tls.Certificate {
	t.Helper()
	certPEM, keyPEM := ca.issue(t, name, 100, x509.ExtKeyUsageClientAuth)
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return pair
}

// writeServerCert (over)writes server.crt and server.key in dir with a new certificate from ca.
func writeServerCert(t *testing.T, dir string, ca *testCA, serial int64) (certFile, keyFile string) {
	t.Helper()
	certPEM, keyPEM := ca.issue(t, "accord", serial, x509.ExtKeyUsageServerAuth)
	certFile, keyFile = filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key")
	writeTestFile(t, certFile, certPEM)
	writeTestFile(t, keyFile, keyPEM)
	return certFile, keyFile
}

// writeCABundle (over)writes client-ca.pem in dir with the CAs' certificates.
func writeCABundle(t *testing.T, dir string, cas ...*testCA) string {
	t.Helper()
	var bundle []byte
	for _, ca := range cas {
		bundle = append(bundle, ca.pem...)
	}
	path := filepath.Join(dir, "client-ca.pem")
	writeTestFile(t, path, bundle)
	return path
}

func writeTestFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func newTestKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func pemOf(blockType string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der})
}
