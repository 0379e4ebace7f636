package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync/atomic"
)

// tlsFlags are the HTTPS settings of `accord serve`.
type tlsFlags struct {
	certFile     string
	keyFile      string
	clientCAFile string
	clientAuth   string
}

func tlsServeFlags(fs *flag.FlagSet) *tlsFlags {
	t := &tlsFlags{}
	fs.StringVar(&t.certFile, "tls-cert", "", "PEM certificate chain: serve HTTPS with it and --tls-key (TLS 1.2 or later); re-read on SIGHUP")
	fs.StringVar(&t.keyFile, "tls-key", "", "PEM private key of --tls-cert; re-read on SIGHUP")
	fs.StringVar(&t.clientCAFile, "tls-client-ca", "", "PEM CA bundle client certificates are verified against; re-read on SIGHUP")
	fs.StringVar(&t.clientAuth, "tls-client-auth", "", "with --tls-client-ca: require (the default: no verified client certificate, no connection) or request (a certificate is verified if presented)")
	return t
}

// enabled says whether HTTPS was asked for; clientAuthType checks that it was asked for completely.
func (t *tlsFlags) enabled() bool { return t.certFile != "" || t.keyFile != "" }

// clientAuthType checks the combination of the flags and says how client certificates are
// treated. It reads no file.
func (t *tlsFlags) clientAuthType() (tls.ClientAuthType, error) {
	switch {
	case t.certFile != "" && t.keyFile == "":
		return 0, errors.New("--tls-cert needs --tls-key, the certificate's private key: give both to serve HTTPS, or neither")
	case t.keyFile != "" && t.certFile == "":
		return 0, errors.New("--tls-key needs --tls-cert, the certificate chain: give both to serve HTTPS, or neither")
	case t.clientCAFile != "" && t.certFile == "":
		return 0, errors.New("--tls-client-ca needs --tls-cert and --tls-key: client certificates are only asked for over HTTPS")
	case t.clientAuth != "" && t.clientCAFile == "":
		return 0, errors.New("--tls-client-auth needs --tls-client-ca, the CA bundle client certificates are verified against")
	case t.clientCAFile == "":
		return tls.NoClientCert, nil
	}
	switch strings.ToLower(t.clientAuth) {
	case "", "require":
		return tls.RequireAndVerifyClientCert, nil
	case "request":
		return tls.VerifyClientCertIfGiven, nil
	}
	return 0, fmt.Errorf("--tls-client-auth %q: want require (a verified client certificate is mandatory) or request (verified if presented)", t.clientAuth)
}

// validate checks the flags and reads the files once, so that a mistake stops serve before
// it opens the store or listens rather than after.
func (t *tlsFlags) validate() error {
	auth, err := t.clientAuthType()
	if err != nil || !t.enabled() {
		return err
	}
	_, err = t.load(auth)
	return err
}

// tlsState is one reading of the certificate, key and client CA files. A reload replaces it
// whole, so a handshake never pairs a new certificate with an old CA bundle or the reverse.
type tlsState struct {
	cert *tls.Certificate
	// perClient is the config of each handshake when client certificates are verified (it
	// carries the CA bundle of this reading); nil when they are not.
	perClient *tls.Config
}

func (t *tlsFlags) load(auth tls.ClientAuthType) (*tlsState, error) {
	cert, err := tls.LoadX509KeyPair(t.certFile, t.keyFile)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert %s with --tls-key %s: %w (want a PEM certificate chain and its PEM private key)", t.certFile, t.keyFile, err)
	}
	st := &tlsState{cert: &cert}
	if t.clientCAFile == "" {
		return st, nil
	}
	pool, err := caPool("tls-client-ca", t.clientCAFile)
	if err != nil {
		return nil, err
	}
	st.perClient = baseTLSConfig()
	st.perClient.Certificates = []tls.Certificate{cert}
	st.perClient.ClientAuth, st.perClient.ClientCAs = auth, pool
	return st, nil
}

// baseTLSConfig is what every handshake shares. NextProtos is spelled out because a config
// from GetConfigForClient replaces the listener's whole config, ALPN included: without it
// clients would lose HTTP/2.
func baseTLSConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}
}

// tlsServer hands the TLS state in force to each handshake; SIGHUP replaces the state.
type tlsServer struct {
	flags *tlsFlags
	auth  tls.ClientAuthType
	state atomic.Pointer[tlsState]
}

// reload reads the files again; on an error the state in force stays.
func (s *tlsServer) reload() error {
	st, err := s.flags.load(s.auth)
	if err != nil {
		return err
	}
	s.state.Store(st)
	return nil
}

// config is the listener's config. Its callbacks read the state in force at each handshake,
// which is what lets a reload take effect without restarting the listener.
func (s *tlsServer) config() *tls.Config {
	c := baseTLSConfig()
	c.GetCertificate = func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return s.state.Load().cert, nil }
	if s.auth != tls.NoClientCert {
		c.ClientAuth = s.auth
		c.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) { return s.state.Load().perClient, nil }
	}
	return c
}

// listen wraps ln in TLS when --tls-cert is set and re-reads the files on every SIGHUP until
// stop is called; peers is the TLS config for requests to the other instances (forwarded
// writes). Without TLS it hands ln back as it is, and peers is nil.
func (t *tlsFlags) listen(ln net.Listener, logger *slog.Logger) (_ net.Listener, peers *tls.Config, stop func(), _ error) {
	auth, err := t.clientAuthType()
	if err != nil {
		return ln, nil, func() {}, err
	}
	if !t.enabled() {
		return ln, nil, func() {}, nil
	}
	s := &tlsServer{flags: t, auth: auth}
	if err := s.reload(); err != nil {
		return ln, nil, func() {}, err
	}
	if peers, err = s.peerConfig(); err != nil {
		return ln, nil, func() {}, err
	}
	logger.Info("tls on", append([]any{"client_auth", clientAuthName(auth), "client_ca", t.clientCAFile,
		"min_version", "1.2"}, certAttrs(s.state.Load().cert)...)...)
	return tls.NewListener(ln, s.config()), peers, s.reloadOnHangup(logger), nil
}

// peerConfig is how this instance calls the others (a follower forwarding a write to the
// leader): it trusts the system's CAs (SSL_CERT_FILE adds a private one) and the client CA
// bundle, which in most deployments signs the instances' certificates too, and it presents
// its own certificate, the one in force, where the leader asks for a client certificate.
// That needs a certificate valid for client authentication as well (no extended key usage,
// or both serverAuth and clientAuth).
func (s *tlsServer) peerConfig() (*tls.Config, error) {
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	if s.flags.clientCAFile != "" {
		pem, err := os.ReadFile(s.flags.clientCAFile)
		if err != nil {
			return nil, err
		}
		roots.AppendCertsFromPEM(pem)
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots,
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return s.state.Load().cert, nil },
	}, nil
}

// reloadOnHangup re-reads the certificate, key and client CA bundle on every SIGHUP until stop
// is called. A reading that fails leaves the previous state serving: a certificate rotation
// caught half-written must not take HTTPS down.
func (s *tlsServer) reloadOnHangup(logger *slog.Logger) (stop func()) {
	return onHangup(func() {
		if err := s.reload(); err != nil {
			logger.Error("tls certificate not reloaded; the previous one stays in force", "err", err)
			return
		}
		logger.Info("tls certificate reloaded", certAttrs(s.state.Load().cert)...)
	})
}

// certAttrs are the log attributes that tell an operator which certificate is being served.
func certAttrs(cert *tls.Certificate) []any {
	if cert.Leaf == nil {
		return nil
	}
	return []any{"subject", cert.Leaf.Subject.String(), "serial", cert.Leaf.SerialNumber.String(), "not_after", cert.Leaf.NotAfter}
}

func clientAuthName(auth tls.ClientAuthType) string {
	switch auth {
	case tls.RequireAndVerifyClientCert:
		return "require"
	case tls.VerifyClientCertIfGiven:
		return "request"
	}
	return "none"
}
