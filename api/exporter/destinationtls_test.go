package exporter_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// testCA is a certificate authority that lives for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	dir  string
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
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
	ca := &testCA{cert: cert, key: key, dir: t.TempDir()}
	ca.write(t, "ca.pem", "CERTIFICATE", der)
	return ca
}

func (ca *testCA) write(t *testing.T, name, kind string, der []byte) string {
	t.Helper()
	path := filepath.Join(ca.dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func (ca *testCA) pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	return pool
}

// issue signs a certificate for name (a server's for 127.0.0.1 when ip is set) and writes
// it and its key as PEM files.
func (ca *testCA) issue(t *testing.T, name string, serial int64, ip bool, usage x509.ExtKeyUsage) (tls.Certificate, string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}, DNSNames: []string{name}}
	if ip {
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
	certFile := ca.write(t, name+".crt", "CERTIFICATE", der)
	keyFile := ca.write(t, name+".key", "PRIVATE KEY", keyDER)
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	return pair, certFile, keyFile
}

// tlsServer serves [] over TLS with cert, requiring a client certificate signed by ca.
func tlsServer(t *testing.T, ca *testCA, cert tls.Certificate) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`[]`))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, ClientCAs: ca.pool(), ClientAuth: tls.RequireAndVerifyClientCert}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// TestDestinationTLS checks TLS with a CA and a client certificate from PEM files, and the
// host name check that only an empty identification algorithm turns off.
func TestDestinationTLS(t *testing.T) {
	ca := newTestCA(t)
	serverCert, _, _ := ca.issue(t, "localhost", 2, true, x509.ExtKeyUsageServerAuth)
	otherCert, _, _ := ca.issue(t, "registry.example", 3, false, x509.ExtKeyUsageServerAuth)
	_, clientCertFile, clientKeyFile := ca.issue(t, "exporter", 4, false, x509.ExtKeyUsageClientAuth)
	good := tlsServer(t, ca, serverCert)
	misnamed := tlsServer(t, ca, otherCert)
	stranger := newTestCA(t)

	full := func(url string) map[string]string {
		return map[string]string{"schema.registry.url": url, "schema.registry.ssl.ca.location": filepath.Join(ca.dir, "ca.pem"),
			"schema.registry.ssl.certificate.location": clientCertFile, "schema.registry.ssl.key.location": clientKeyFile}
	}
	with := func(config map[string]string, key, value string) map[string]string {
		config[key] = value
		return config
	}
	short := map[string]string{"schema.registry.url": good.URL, "ssl.ca.location": filepath.Join(ca.dir, "ca.pem"),
		"ssl.certificate.location": clientCertFile, "ssl.key.location": clientKeyFile}
	cases := []struct {
		name   string
		config map[string]string
		ok     bool
	}{
		{"ca and client certificate", full(good.URL), true},
		{"keys without prefix", short, true},
		{"PEM trust store", with(with(full(good.URL), "schema.registry.ssl.truststore.location", filepath.Join(ca.dir, "ca.pem")), "schema.registry.ssl.truststore.type", "PEM"), true},
		{"no client certificate", map[string]string{"schema.registry.url": good.URL, "schema.registry.ssl.ca.location": filepath.Join(ca.dir, "ca.pem")}, false},
		{"another CA", with(full(good.URL), "schema.registry.ssl.ca.location", filepath.Join(stranger.dir, "ca.pem")), false},
		{"host name differs", full(misnamed.URL), false},
		{"host name differs, https", with(full(misnamed.URL), "schema.registry.ssl.endpoint.identification.algorithm", "HTTPS"), false},
		{"host name not checked", with(full(misnamed.URL), "schema.registry.ssl.endpoint.identification.algorithm", ""), true},
		{"not checked, another CA", with(with(full(misnamed.URL), "schema.registry.ssl.endpoint.identification.algorithm", ""),
			"schema.registry.ssl.ca.location", filepath.Join(stranger.dir, "ca.pem")), false},
	}
	for _, c := range cases {
		d := newDestination(t, c.config)
		err := d.Do(context.Background(), http.MethodGet, "/subjects", nil, nil)
		if (err == nil) != c.ok {
			t.Errorf("%s: got %v, want success %v", c.name, err, c.ok)
		}
	}
}
