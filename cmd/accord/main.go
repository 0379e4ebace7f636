// Command accord is the Accord schema registry: `accord serve` runs the Confluent-compatible
// server, `accord check` answers in CI whether a schema change is compatible, `accord bench`
// drives a running server with load.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stdout, stderr)
	case "check":
		return checkCommand(ctx, args[1:], stdout, stderr)
	case "bench":
		err = bench(ctx, args[1:], stdout, stderr)
	case "passwd":
		err = passwd(args[1:], os.Stdin, stdout, stderr)
	case "log":
		return logCommand(args[1:], stdout, stderr)
	case "version":
		_, err = fmt.Fprintln(stdout, buildVersion())
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		if cmd, ok := clientCommands()[args[0]]; ok {
			return runClient(ctx, args[0], cmd, args[1:], stdout, stderr)
		}
		fmt.Fprintf(stderr, "accord: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	return exitCode(stderr, args[0], err)
}

// exitCode prints a command's error, unless it was printed already, and returns the exit
// code: 0 on success or when help was asked for, 2 (exitUsage) on a usage or input error,
// 1 on any other failure.
func exitCode(stderr io.Writer, command string, err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsageShown):
		return exitUsage
	}
	fmt.Fprintf(stderr, "accord %s: %v\n", command, err)
	var input inputError
	if errors.As(err, &input) {
		return exitUsage
	}
	return 1
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage: accord <command> [flags]

Commands:
  serve    run the schema registry (Confluent REST API) on the embedded store
  check    check a schema change for compatibility, offline or against a registry (exit 0/1/2)
  bench    measure a running registry over HTTP
  passwd   hash a password for the users file of serve --auth-file
  log      verify or repair the embedded store's log, with the server stopped (exit 0/1/2)
  version  print the version

Commands for a running registry (--registry URL or ACCORD_REGISTRY_URL; --json prints the
registry's JSON answer):
`)
	cmds := clientCommands()
	names := make([]string, 0, len(cmds))
	for name := range cmds {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-9s %s\n", name, cmds[name].about)
	}
	fmt.Fprint(w, `
Run 'accord <command> -h' for the flags of a command. Every flag can also be set in the
environment as ACCORD_<FLAG>, e.g. --data-dir as ACCORD_DATA_DIR.

Exit status, the same for every command:
  0  success (check: compatible; log verify: healthy)
  1  the answer is no: the registry refused the request (its error code is printed), the
     change is incompatible (check), the log is damaged (log verify), or the command
     failed while running (serve, bench, log repair)
  2  no answer: bad usage, bad input (a flag's value, a file, a directory, serve's
     configuration), or the registry could not be reached (check: or could not decide)
`)
}
