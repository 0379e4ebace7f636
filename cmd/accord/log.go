package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// logCommand runs `accord log verify|repair --data-dir DIR` on the embedded store's log, with
// the server stopped. verify exits 0 when the log is healthy (a torn tail, which the server
// cuts at startup, counts as healthy), 1 when it is damaged or cannot be read, 2 on a usage
// error; repair exits 0 once the log is rewritten.
func logCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprint(stdout, logUsage)
		return 0
	}
	if len(args) == 0 || (args[0] != "verify" && args[0] != "repair") {
		fmt.Fprint(stderr, logUsage)
		return 2
	}
	fs := flag.NewFlagSet("log "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	setUsage(fs, logUsage+"\nFlags:\n")
	dataDir := fs.String("data-dir", "./accord-data", "directory of the embedded store (stop the server first)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parseArgs(fs, args[1:], stdout); err != nil {
		return exitCode(stderr, "log "+args[0], err)
	}
	if fs.NArg() > 0 {
		return exitCode(stderr, "log "+args[0], badUsage(fs, "unexpected arguments %q", fs.Args()))
	}
	var err error
	code := 0
	if args[0] == "verify" {
		code, err = verifyLog(*dataDir, *asJSON, stdout)
	} else {
		err = repairLog(*dataDir, *asJSON, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "accord log %s: %v\n", args[0], err)
		return 1
	}
	return code
}

const logUsage = `Usage: accord log verify|repair [--data-dir DIR] [--json]

  verify  report the health of the embedded store's log
  repair  keep a copy of the log, then rewrite it without its damaged bytes

Stop the server first. Exit status: 0 healthy (verify) or rewritten (repair), 1 damaged
(verify) or the log cannot be read, 2 bad usage.
`

// verifyLog prints the log's health and returns the exit code: 0 healthy, 1 damaged.
func verifyLog(dir string, asJSON bool, w io.Writer) (int, error) {
	s, err := filelog.Verify(dir, store.SchemaID)
	if err != nil {
		return 1, verifyError(err)
	}
	code := 0
	if !s.Healthy() {
		code = 1
	}
	if asJSON {
		return code, printJSON(w, s)
	}
	fmt.Fprintf(w, "log %s: %s\n", s.Path, healthWord(s))
	fmt.Fprintf(w, "frames %d (records, superseded ones included), live keys %d, offsets %d to %d, next offset %d\n",
		s.Frames, s.LiveKeys, s.FirstOffset, s.LastOffset, s.End)
	fmt.Fprintf(w, "highest schema id %d, id floor %d\n", s.MaxMark, s.IDFloor)
	if s.FirstBad >= 0 {
		fmt.Fprintf(w, "first bad byte %d; %d damaged ranges, %d bytes, at most %d frames\n",
			s.FirstBad, len(s.Damaged), s.LostBytes(), s.LostFrames())
		for _, d := range s.Damaged {
			fmt.Fprintf(w, "  bytes [%d, %d): %s\n", d.From, d.To, d.Reason)
		}
	}
	return code, nil
}

// healthWord sums a survey up in a few words.
func healthWord(s filelog.Survey) string {
	switch {
	case len(s.Damaged) == 0:
		return "healthy"
	case s.Healthy():
		return "healthy, with a torn tail that the server cuts at startup (never acknowledged)"
	default:
		return "DAMAGED: the server refuses to start; run `accord log repair`"
	}
}

// repairLog repairs the log and prints the report.
func repairLog(dir string, asJSON bool, w io.Writer) error {
	rep, err := filelog.Repair(dir, store.SchemaID)
	if err != nil {
		return verifyError(err)
	}
	if asJSON {
		return printJSON(w, rep)
	}
	_, err = fmt.Fprintf(w, "%sreport written to %s\n", rep, rep.Report)
	return err
}

// verifyError adds what to do to the errors an operator can act on.
func verifyError(err error) error {
	if errors.Is(err, filelog.ErrLocked) {
		return fmt.Errorf("%w (stop the server first)", err)
	}
	return err
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
