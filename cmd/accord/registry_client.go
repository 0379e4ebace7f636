package main

import (
	"crypto/tls"
	"flag"
	"os"

	"github.com/twmb/franz-go/pkg/sr"
)

// registryFlags are how the commands that talk to a registry reach it: its URL, basic auth
// credentials and the CA of its certificate, from flags or ACCORD_REGISTRY_URL, ACCORD_USER
// and ACCORD_PASSWORD.
type registryFlags struct {
	url, user, password, tlsCA string
}

// register adds the flags to fs; urlUsage says what --registry is for in that command.
func (f *registryFlags) register(fs *flag.FlagSet, urlUsage string) {
	// The URL's variable is not the flag's ACCORD_REGISTRY: it is the name CI systems and
	// the other registry tools know.
	fs.StringVar(&f.url, "registry", os.Getenv("ACCORD_REGISTRY_URL"), urlUsage)
	fs.StringVar(&f.user, "user", "", "basic auth user (env ACCORD_USER)")
	fs.StringVar(&f.password, "password", "", "basic auth password (env ACCORD_PASSWORD)")
	fs.StringVar(&f.tlsCA, "tls-ca", "", "PEM file of the CA that signed the registry's certificate (default: the system's)")
}

// client returns a registry client with the flags' URL, credentials and TLS settings.
func (f *registryFlags) client() (*sr.Client, error) {
	opts := []sr.ClientOpt{sr.URLs(f.url), sr.UserAgent("accord-cli")}
	if f.user != "" || f.password != "" {
		opts = append(opts, sr.BasicAuth(f.user, f.password))
	}
	if f.tlsCA != "" {
		pool, err := caPool("tls-ca", f.tlsCA)
		if err != nil {
			return nil, err
		}
		opts = append(opts, sr.DialTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}))
	}
	return sr.NewClient(opts...)
}
