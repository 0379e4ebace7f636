package main

import (
	"bytes"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
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
	return parseEnv(fs)
}

// parseEnv fills every flag of the parsed fs not given on the command line from its
// ACCORD_<NAME> environment variable.
func parseEnv(fs *flag.FlagSet) error {
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

// The commands' errors, by what the caller can do about them; run turns them into the
// exit code (exitCode) after printing them.
var (
	// errUsageShown is a usage error already printed with the command's usage: a flag
	// the command does not have, or arguments it does not take. Exit 2.
	errUsageShown = errors.New("usage error")
)

// inputError is a mistake in what a command was given rather than in how it was called: a
// flag's value, a file, a directory. It exits 2 like a usage error, but is printed alone:
// the usage would bury the one line that says what is wrong.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// badInput marks err, when not nil, as an inputError.
func badInput(err error) error {
	if err == nil {
		return nil
	}
	return inputError{err}
}

// parseArgs parses a command's flags as parseFlags does. Help asked for (-h, --help) is
// printed on stdout, where it was asked for, and returns flag.ErrHelp (exit 0); a flag the
// command does not have is reported by the flag package with the usage on fs's output and
// returns errUsageShown; an ACCORD_* variable that does not parse is an inputError.
func parseArgs(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	out := fs.Output()
	var printed bytes.Buffer
	fs.SetOutput(&printed)
	err := fs.Parse(args)
	fs.SetOutput(out)
	switch {
	case errors.Is(err, flag.ErrHelp):
		_, werr := stdout.Write(printed.Bytes())
		if werr != nil {
			return werr
		}
		return flag.ErrHelp
	case err != nil:
		out.Write(printed.Bytes())
		return errUsageShown
	}
	return badInput(parseEnv(fs))
}

// setUsage makes fs print header, then its flags, as its usage.
func setUsage(fs *flag.FlagSet, header string) {
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), header)
		fs.PrintDefaults()
	}
}

// badUsage prints a usage error and the command's usage on fs's output.
func badUsage(fs *flag.FlagSet, format string, args ...any) error {
	fmt.Fprintf(fs.Output(), "accord %s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.Usage()
	return errUsageShown
}
