package main

import (
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"strings"
)

// parseFlags parses args into fs, then fills every flag not given on the command line from
// its ACCORD_<NAME> environment variable (--data-dir ← ACCORD_DATA_DIR). Flags win over the
// environment so that a one-off override needs no unset.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := os.LookupEnv(envName(f.Name)); ok && !given[f.Name] && err == nil {
			if setErr := fs.Set(f.Name, v); setErr != nil {
				err = fmt.Errorf("%s=%q: %w", envName(f.Name), v, setErr)
			}
		}
	})
	return err
}

// envName maps a flag name to its environment variable.
func envName(flagName string) string {
	return "ACCORD_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// caPool reads the PEM certificates of the CA file given to --flag.
func caPool(flag, path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", flag, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--%s %s holds no PEM certificate", flag, path)
	}
	return pool, nil
}
