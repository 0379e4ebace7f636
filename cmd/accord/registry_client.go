package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
)

// registryFlags are how the commands that talk to a registry reach it: its URL, basic auth
// credentials and the CA of its certificate, from flags or ACCORD_REGISTRY_URL, ACCORD_USER
// and ACCORD_PASSWORD.
type registryFlags struct {
	url, user, password, tlsCA string
	maxResponse                int64 // bytes; 0: serde.DefaultMaxResponse
}

// register adds the flags to fs; urlUsage says what --registry is for in that command.
func (f *registryFlags) register(fs *flag.FlagSet, urlUsage string) {
	// The URL's variable is not the flag's ACCORD_REGISTRY: it is the name CI systems and
	// the other registry tools know.
	fs.StringVar(&f.url, "registry", os.Getenv("ACCORD_REGISTRY_URL"), urlUsage)
	fs.StringVar(&f.user, "user", "", "basic auth user (env ACCORD_USER); default: the registry URL's user, if it has one")
	fs.StringVar(&f.password, "password", "", "basic auth password (env ACCORD_PASSWORD); default: the registry URL's password")
	fs.StringVar(&f.tlsCA, "tls-ca", "", "PEM file of the CA that signed the registry's certificate (default: the system's)")
}

// client returns a registry client with the flags' URL, credentials and TLS settings.
//
// Credentials in the URL (http://user:password@host, as Confluent's clients take them with
// basic.auth.credentials.source=URL) become Basic auth, unless --user or --password are
// given, and are taken out of the URL: the client names its URL in its errors, and a
// password must not reach a CI log. Answers are bounded (serde.BoundedHTTPClient): the sr
// client reads each one whole, and a hostile registry could send gigabytes.
func (f *registryFlags) client() (*sr.Client, error) {
	u, err := url.Parse(f.url)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("registry URL %s: want http(s)://host[:port][/path]", redactedURL(f.url))
	}
	user, password := f.user, f.password
	if u.User != nil {
		if user == "" && password == "" {
			user = u.User.Username()
			password, _ = u.User.Password()
		}
		u.User = nil
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if f.tlsCA != "" {
		pool, err := caPool("tls-ca", f.tlsCA)
		if err != nil {
			return nil, err
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	limit := f.maxResponse
	if limit == 0 {
		limit = serde.DefaultMaxResponse
	}
	// The timeout is franz-go's default, which the CLI used before it had its own client.
	httpClient := serde.BoundedHTTPClient(&http.Client{Timeout: 5 * time.Second, Transport: transport}, limit)
	opts := []sr.ClientOpt{sr.URLs(u.String()), sr.UserAgent("accord-cli"), sr.HTTPClient(httpClient)}
	if user != "" || password != "" {
		opts = append(opts, sr.BasicAuth(user, password))
	}
	return sr.NewClient(opts...)
}

// redactedURL is a URL fit for a message: its password replaced by "xxxxx", and nothing of
// a URL that does not parse (which may hold a password in any place).
func redactedURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(a URL that does not parse)"
	}
	return u.Redacted()
}

// unreachableError is a request the registry did not answer: the connection refused or
// timed out, a DNS or TLS failure. The sr client's error names the URL twice ("unable to
// GET "URL": Get "URL": dial tcp host:port: ..."); this names it once, redacted.
type unreachableError struct {
	method, url string
	err         error
}

func (e *unreachableError) Error() string {
	return fmt.Sprintf("cannot reach the registry: %s %s: %v", e.method, e.url, e.err)
}

func (e *unreachableError) Unwrap() error { return e.err }

// refusedError is the registry's answer with an error code; it keeps the sr client's
// error, for isNotFound, and says it as registryError does.
type refusedError struct{ re *sr.ResponseError }

func (e *refusedError) Error() string { return registryError(e.re).Error() }
func (e *refusedError) Unwrap() error { return e.re }

// describeError makes an error of the sr client fit to print: an unreachableError when
// the registry did not answer, a refusedError when it answered with an error. Any other
// error is returned as it is.
func describeError(err error) error {
	var re *sr.ResponseError
	if errors.As(err, &re) {
		return &refusedError{re}
	}
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	cause := ue.Err
	var op *net.OpError
	var dns *net.DNSError
	switch {
	case errors.As(cause, &dns):
		cause = errors.New(dns.Err) // "no such host", without the host again
	case errors.As(cause, &op) && op.Err != nil:
		cause = op.Err // "connect: connection refused", without the address again
	}
	return &unreachableError{method: strings.ToUpper(ue.Op), url: redactedURL(ue.URL), err: cause}
}

// isUnreachable says whether err is, or wraps, a request the registry did not answer.
func isUnreachable(err error) bool {
	var ue *unreachableError
	return errors.As(err, &ue)
}
