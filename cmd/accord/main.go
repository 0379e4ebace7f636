// Command accord is the Accord schema registry: `accord serve` runs the Confluent-compatible
// server, `accord check` answers in CI whether a schema change is compatible, `accord bench`
// drives a running server with load.
package main

import (
	"context"
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
		err = serve(ctx, args[1:], stderr)
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
	if err != nil {
		fmt.Fprintf(stderr, "accord %s: %v\n", args[0], err)
		return 1
	}
	return 0
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
`)
}
