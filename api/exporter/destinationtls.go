package exporter

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
)

// sslValue returns the value of a schema.registry.ssl.* key, or of the same key without the
// "schema.registry." prefix (the librdkafka-style name some clients use), and the name under
// which it was found, for errors.
func sslValue(config map[string]string, key string) (value, name string) {
	if v, ok := config[key]; ok {
		return strings.TrimSpace(v), key
	}
	short := strings.TrimPrefix(key, sslPrefix)
	return strings.TrimSpace(config[short]), short
}

// destinationTLS returns the TLS configuration of the destination: nil (Go's defaults: the
// system's roots, host names checked) when no TLS key is set.
func destinationTLS(config map[string]string) (*tls.Config, error) {
	if err := refuseKeyStores(config); err != nil {
		return nil, err
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	used := false
	if ca, name := sslValue(config, keySSLCA); ca != "" {
		pool, err := readCAs(ca, name)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs, used = pool, true
	}
	if trust, name := sslValue(config, keySSLTrustLocation); trust != "" {
		pool, err := readCAs(trust, name)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs, used = pool, true
	}
	cert, err := clientCertificate(config)
	if err != nil {
		return nil, err
	}
	if cert != nil {
		cfg.Certificates, used = []tls.Certificate{*cert}, true
	}
	check, err := hostNameCheck(config)
	if err != nil {
		return nil, err
	}
	if !check {
		skipHostNameCheck(cfg)
		used = true
	}
	if !used {
		return nil, nil
	}
	return cfg, nil
}

// refuseKeyStores refuses Java key stores, which Go cannot read: the exporter takes PEM
// files, and a trust store only when its type says PEM.
func refuseKeyStores(config map[string]string) error {
	if v, name := sslValue(config, keySSLKeyStore); v != "" {
		return fmt.Errorf("%s: key stores are not read; give the client certificate and key as PEM files in %s and %s", name, keySSLCert, keySSLKey)
	}
	trust, name := sslValue(config, keySSLTrustLocation)
	trustType, _ := sslValue(config, keySSLTrustType)
	if trust != "" && !strings.EqualFold(trustType, "PEM") {
		return fmt.Errorf("%s: only a PEM trust store is read (set %s to PEM, or give the CA in %s)", name, keySSLTrustType, keySSLCA)
	}
	if v, name := sslValue(config, keySSLKeyPassword); v != "" {
		return fmt.Errorf("%s: encrypted private keys are not read; give an unencrypted PEM key in %s", name, keySSLKey)
	}
	return nil
}

// readCAs reads a PEM file of CA certificates.
func readCAs(path, key string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s: %s holds no PEM certificate", key, path)
	}
	return pool, nil
}

// clientCertificate reads the client certificate and its key, both or neither.
func clientCertificate(config map[string]string) (*tls.Certificate, error) {
	certFile, certKey := sslValue(config, keySSLCert)
	keyFile, keyKey := sslValue(config, keySSLKey)
	switch {
	case certFile == "" && keyFile == "":
		return nil, nil
	case keyFile == "":
		return nil, fmt.Errorf("%s is set but %s is not", certKey, keySSLKey)
	case certFile == "":
		return nil, fmt.Errorf("%s is set but %s is not", keyKey, keySSLCert)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		// The error of crypto/tls never quotes the key's bytes.
		return nil, fmt.Errorf("%s and %s: %w", certKey, keyKey, err)
	}
	return &cert, nil
}

// hostNameCheck reads schema.registry.ssl.endpoint.identification.algorithm: absent or
// "https" checks the host name, "" does not (Java's clients' meaning; librdkafka's "none" too).
func hostNameCheck(config map[string]string) (bool, error) {
	value, ok := config[keySSLHostCheck]
	name := keySSLHostCheck
	if !ok {
		short := strings.TrimPrefix(keySSLHostCheck, sslPrefix)
		if value, ok = config[short]; !ok {
			return true, nil
		}
		name = short
	}
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "https":
		return true, nil
	case "", "none":
		return false, nil
	default:
		return false, fmt.Errorf("%s: %q is not supported (https, or empty for no host name check)", name, value)
	}
}

// skipHostNameCheck still verifies the server's chain against the roots, but not the host
// name: InsecureSkipVerify turns off both, so the chain is verified here.
func skipHostNameCheck(cfg *tls.Config) {
	cfg.InsecureSkipVerify = true
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("the server sent no certificate")
		}
		opts := x509.VerifyOptions{Roots: cfg.RootCAs, Intermediates: x509.NewCertPool()}
		for _, c := range cs.PeerCertificates[1:] {
			opts.Intermediates.AddCert(c)
		}
		_, err := cs.PeerCertificates[0].Verify(opts)
		return err
	}
}
