package test

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
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/accord-registry/accord/api/auth"
	"github.com/accord-registry/accord/compat"
)

// The real clients every Accord user already has: Confluent's Python and JavaScript schema
// registry clients. `make deps` installs them (a virtualenv and npm ci under test/clients).
// Each script calls every method of the client's SchemaRegistryClient, asserting what
// Confluent Schema Registry answers, and fails if the client has a method none of its steps
// calls. Each suite runs against four servers:
//
//   - plain: the API in process, over HTTP, no authentication;
//   - auth:  `accord serve --auth-file` (HTTP Basic) and --incompatible-error-code 40901; the
//     scripts also check that clients without credentials, or with wrong ones, get 401;
//   - tls:   `accord serve --tls-cert --tls-key --auth-file`, HTTPS with a CA the test makes,
//     Basic credentials on top; the scripts also check that a client not trusting the CA
//     cannot connect;
//   - mtls:  the same with --tls-client-ca (client certificates required) and no Basic
//     credentials: the client certificate (CN=alice) is the authentication; the scripts also
//     check that a client without a certificate cannot connect.

const (
	clientUser     = "alice"
	clientPassword = "correct horse battery staple"
)

var (
	pythonLastLine = regexp.MustCompile(`^python client: (\d+) calls checked, (\d+) methods \((\d+) talk to the registry\), schema types (\S+)$`)
	nodeLastLine   = regexp.MustCompile(`^node client: (\d+) calls checked, (\d+) methods \((\d+) talk to the registry\)$`)
)

func TestPythonClient(t *testing.T) {
	t.Parallel() // waits on the client script
	python := pythonClient(t)
	var types []string
	for _, typ := range compat.SupportedTypes() {
		types = append(types, string(typ))
	}
	sort.Strings(types)
	runClientSuite(t, python, filepath.Join("clients", "python", "roundtrip.py"), pythonLastLine, func(t *testing.T, m []string) {
		if got, want := m[4], strings.Join(types, ","); got != want {
			t.Errorf("the Python client exercised schema types %s, want every supported one: %s", got, want)
		}
	})
}

func TestNodeClient(t *testing.T) {
	t.Parallel() // waits on the client script
	node := nodeClient(t)
	runClientSuite(t, node, filepath.Join("clients", "node", "roundtrip.mjs"), nodeLastLine, nil)
}

// runClientSuite runs a client script against each server variant. The script's last line
// must match lastLine; check, if not nil, looks further at the match.
func runClientSuite(t *testing.T, interpreter, script string, lastLine *regexp.Regexp, check func(*testing.T, []string)) {
	// Built and made before the subtests, so that they live as long as the test.
	bin, pki := buildAccord(t), newClientPKI(t)
	for _, v := range []struct {
		name string
		// start starts the server and returns its URL and the script's options.
		start func(t *testing.T) (url string, opts []string)
	}{
		{"plain", func(t *testing.T) (string, []string) {
			return startServer(t, serverOptions{}).URL, nil
		}},
		{"auth", func(t *testing.T) (string, []string) {
			url := startClientServe(t, bin, nil, "--auth-file", writeUsersFile(t), "--incompatible-error-code", "40901")
			return url, []string{"--user", clientUser + ":" + clientPassword, "--incompatible-code", "40901"}
		}},
		{"tls", func(t *testing.T) (string, []string) {
			url := startClientServe(t, bin, pki.httpClient(false),
				"--auth-file", writeUsersFile(t), "--tls-cert", pki.serverCert, "--tls-key", pki.serverKey)
			return url, []string{"--ca", pki.caCert, "--user", clientUser + ":" + clientPassword}
		}},
		{"mtls", func(t *testing.T) (string, []string) {
			url := startClientServe(t, bin, pki.httpClient(true),
				"--auth-file", writeUsersFile(t), "--tls-cert", pki.serverCert, "--tls-key", pki.serverKey,
				"--tls-client-ca", pki.caCert, "--tls-client-auth", "require")
			return url, []string{"--ca", pki.caCert, "--cert", pki.clientCert, "--key", pki.clientKey}
		}},
	} {
		t.Run(v.name, func(t *testing.T) {
			url, opts := v.start(t)
			start := time.Now()
			m := runClientScript(t, interpreter, script, append([]string{url}, opts...), lastLine)
			t.Logf("%s in %v", m[0], time.Since(start).Round(time.Millisecond))
			if check != nil {
				check(t, m)
			}
		})
	}
}

// runClientScript runs a client script and returns the submatches of lastLine in its last
// line; it fails with the script's output when the script fails or ends otherwise.
func runClientScript(t *testing.T, interpreter, script string, args []string, lastLine *regexp.Regexp) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, interpreter, append([]string{script}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s %s: %v\n%s", filepath.Base(interpreter), script, strings.Join(args, " "), err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	m := lastLine.FindStringSubmatch(lines[len(lines)-1])
	if m == nil {
		t.Fatalf("%s ended without a line matching %s:\n%s", script, lastLine, out)
	}
	if testing.Verbose() {
		t.Logf("%s", out)
	}
	return m
}

// missingClient skips a client test on a developer machine without the client installed, but
// fails it in CI, where `make test` must have installed it.
// pythonClient returns the Python of test/clients/python's virtualenv, as an absolute path;
// without it the test skips, or fails under CI=true (see missingClient).
func pythonClient(t *testing.T) string {
	t.Helper()
	python, err := filepath.Abs(filepath.Join("clients", "python", ".venv", "bin", "python"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(python); err != nil {
		missingClient(t, "the virtualenv of test/clients/python ("+python+")")
	}
	return python
}

// nodeClient returns node, once test/clients/node's node_modules hold Confluent's client;
// without either the test skips, or fails under CI=true (see missingClient).
func nodeClient(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join("clients", "node", "node_modules", "@confluentinc", "schemaregistry")); err != nil {
		missingClient(t, "node_modules of test/clients/node")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missingClient(t, "node")
	}
	return node
}

func missingClient(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing: make deps installs it", what)
	}
	t.Skipf("%s is missing: run `make deps` to install the client (CI fails instead of skipping)", what)
}

// writeUsersFile writes an --auth-file with the one user the scripts authenticate as.
func writeUsersFile(t *testing.T) string {
	t.Helper()
	hash, err := auth.HashBcrypt(clientPassword)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "users.yaml")
	data := fmt.Sprintf("users:\n  - name: %s\n    password: %q\n", clientUser, hash)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startClientServe runs `accord serve` with extra flags on a free loopback port and an empty
// data directory, waits until /readyz answers 200, and returns its URL: https when hc, which
// polls /readyz, is not nil. The process is stopped when the test ends.
func startClientServe(t *testing.T, bin string, hc *http.Client, flags ...string) string {
	t.Helper()
	scheme := "https"
	if hc == nil {
		scheme, hc = "http", &http.Client{}
	}
	hc.Timeout = 2 * time.Second
	dir := t.TempDir()
	for attempt := 0; ; attempt++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		url := scheme + "://" + addr
		cmd := exec.Command(bin, append([]string{"serve", "--listen", addr, "--data-dir", dir, "--log-level", "warn"}, flags...)...)
		var logs bytes.Buffer // read only once the process has exited
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		stop := func() error {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case err := <-exited:
				return err
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-exited
				return errors.New("did not stop within 10s of SIGTERM")
			}
		}
		err = waitClientServe(hc, url, exited)
		if err == nil {
			t.Cleanup(func() {
				if err := stop(); err != nil || t.Failed() {
					t.Logf("accord serve %s (stopped: %v), its log:\n%s", strings.Join(flags, " "), err, logs.String())
				}
			})
			return url
		}
		stopErr := stop()
		if strings.Contains(logs.String(), "address already in use") && attempt < 3 {
			continue // someone took the port between Close and serve's Listen
		}
		t.Fatalf("accord serve %s: %v (exit: %v)\n%s", strings.Join(flags, " "), err, stopErr, logs.String())
	}
}

// waitClientServe polls url/readyz until it answers 200, for up to 30s or until the process exits.
func waitClientServe(hc *http.Client, url string, exited chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			exited <- err // for stop
			return fmt.Errorf("exited before it was ready: %v", err)
		default:
		}
		resp, err := hc.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("/readyz: %s", resp.Status)
		}
		last = err
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("not ready after 30s: %v", last)
}

// clientPKI is a CA, a server certificate for 127.0.0.1 and a client certificate for
// clientUser it signed, as PEM files.
type clientPKI struct {
	caCert, serverCert, serverKey, clientCert, clientKey string
	pool                                                 *x509.CertPool
	client                                               tls.Certificate
}

func newClientPKI(t *testing.T) *clientPKI {
	t.Helper()
	dir := t.TempDir()
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "accord client tests CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	p := &clientPKI{caCert: filepath.Join(dir, "ca.pem"), pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	writePEM(t, p.caCert, "CERTIFICATE", caDER)

	issue := func(name string, serial int64, template *x509.Certificate) (certFile, keyFile string) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		template.SerialNumber, template.NotBefore, template.NotAfter = big.NewInt(serial), now.Add(-time.Hour), now.Add(24*time.Hour)
		template.KeyUsage = x509.KeyUsageDigitalSignature
		der, err := x509.CreateCertificate(rand.Reader, template, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		keyDER, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		certFile, keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem")
		writePEM(t, certFile, "CERTIFICATE", der)
		writePEM(t, keyFile, "PRIVATE KEY", keyDER)
		return certFile, keyFile
	}
	p.serverCert, p.serverKey = issue("server", 2, &x509.Certificate{
		Subject: pkix.Name{CommonName: "127.0.0.1"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	p.clientCert, p.clientKey = issue("client", 3, &x509.Certificate{
		Subject: pkix.Name{CommonName: clientUser}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	if p.client, err = tls.LoadX509KeyPair(p.clientCert, p.clientKey); err != nil {
		t.Fatal(err)
	}
	return p
}

// httpClient trusts the CA and, with withCert, presents the client certificate.
func (p *clientPKI) httpClient(withCert bool) *http.Client {
	conf := &tls.Config{RootCAs: p.pool, MinVersion: tls.VersionTLS12}
	if withCert {
		conf.Certificates = []tls.Certificate{p.client}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: conf}}
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
