package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// openWith opens the Kafka log the way `accord serve` does, with the given flags applied.
func openWith(t *testing.T, cluster *kfake.Cluster, set func(k *kafkaConfig)) error {
	t.Helper()
	k := &kafkaConfig{brokers: cluster.ListenAddrs()[0], topic: "_schemas", replicationFactor: 1, groupID: "g",
		initTimeout: 5 * time.Second, sessionTimeout: 10 * time.Second}
	set(k)
	l, err := k.openLog(context.Background(), t.TempDir(), slog.New(slog.DiscardHandler))
	if err == nil {
		l.Close()
	}
	return err
}

func TestKafkaClientSASL(t *testing.T) {
	for _, mech := range []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"} {
		t.Run(mech, func(t *testing.T) {
			c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.Superuser(mech, "accord", "s3cret"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := openWith(t, c, func(k *kafkaConfig) {
				k.saslMechanism, k.saslUser, k.saslPassword = mech, "accord", "s3cret"
			}); err != nil {
				t.Fatalf("with the right password: %v", err)
			}
			if err := openWith(t, c, func(k *kafkaConfig) {
				k.saslMechanism, k.saslUser, k.saslPassword = mech, "accord", "wrong"
				k.initTimeout = time.Second
			}); err == nil {
				t.Fatal("a wrong password was accepted")
			}
		})
	}
	if _, err := (&kafkaConfig{saslMechanism: "GSSAPI"}).clientOpts(); err == nil {
		t.Fatal("an unsupported mechanism was accepted")
	}
}

func TestKafkaClientTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, serverCert := selfSigned(t, dir)
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.TLS(&tls.Config{Certificates: []tls.Certificate{serverCert}, MinVersion: tls.VersionTLS12}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := openWith(t, c, func(k *kafkaConfig) { k.tlsCAFile = certFile }); err != nil {
		t.Fatalf("with the broker's CA: %v", err)
	}
	if err := openWith(t, c, func(k *kafkaConfig) { k.tls, k.initTimeout = true, time.Second }); err == nil {
		t.Fatal("an unknown CA was trusted")
	}
	if err := openWith(t, c, func(k *kafkaConfig) { k.tlsCAFile = keyFile }); err == nil {
		t.Fatal("a CA file without certificates was accepted")
	}
	if err := openWith(t, c, func(k *kafkaConfig) { k.tlsCertFile = certFile }); err == nil {
		t.Fatal("a client certificate without its key was accepted")
	}
}

// selfSigned writes a self-signed certificate for 127.0.0.1 and its key into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, cert tls.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kfake"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err = tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, cert
}
