package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestParseProcStat: utime and stime are read after the command name, whatever it holds.
func TestParseProcStat(t *testing.T) {
	line := "4242 (accord) (x y) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 9 0 123 456 789\n"
	got, err := parseProcStat(line)
	if err != nil {
		t.Fatal(err)
	}
	if want := 3250 * time.Millisecond; got != want {
		t.Errorf("cpu %v, want %v", got, want)
	}
	for _, bad := range []string{"", "4242 (accord", "4242 (accord) S 1 2", "4242 (a) S 1 2 3 4 5 6 7 8 9 10 x 75"} {
		if _, err := parseProcStat(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestProcessCPUCountsThisProcess: the CPU time read from /proc grows while the process
// works.
func TestProcessCPUCountsThisProcess(t *testing.T) {
	before, err := processCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	x := 0
	for time.Now().Before(deadline) {
		for i := 0; i < 1_000_000; i++ {
			x += i
		}
		after, err := processCPU(os.Getpid())
		if err != nil {
			t.Fatal(err)
		}
		if after > before {
			return
		}
	}
	t.Errorf("CPU time stayed at %v after 10s of work (%d)", before, x)
}

// TestParseWrk: wrk's request count and elapsed time are read, and any non-2xx answer or
// socket error fails the phase.
func TestParseWrk(t *testing.T) {
	ok := `Running 1s test @ http://127.0.0.1:4000
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   540.12us  300.00us   5.00ms   80.00%
  61234 requests in 1.00s, 10.00MB read
Requests/sec:  61234.00
Transfer/sec:     10.00MB
`
	n, d, err := parseWrk([]byte(ok))
	if err != nil || n != 61234 || d != time.Second {
		t.Errorf("got %d in %v (%v), want 61234 in 1s", n, d, err)
	}
	for _, bad := range []string{
		strings.Replace(ok, "Requests/sec", "  Non-2xx or 3xx responses: 12\nRequests/sec", 1),
		strings.Replace(ok, "Requests/sec", "  Socket errors: connect 0, read 3, write 0, timeout 0\nRequests/sec", 1),
		"wrk: connection refused",
	} {
		if _, _, err := parseWrk([]byte(bad)); err == nil {
			t.Errorf("accepted:\n%s", bad)
		}
	}
}

// TestBenchMeasuresServerProcesses runs accord bench end to end, short, with each load
// driver: the registry and the baseline run as child processes (this test binary re-run as
// accord), and every read phase reports requests/s and the server's CPU time per request.
func TestBenchMeasuresServerProcesses(t *testing.T) {
	for _, load := range []string{"go", "wrk"} {
		t.Run(load, func(t *testing.T) {
			if _, err := exec.LookPath(load); load == "wrk" && err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatal("wrk is not installed (make deps installs it)")
				}
				t.Skip("wrk is not installed (make deps installs it)")
			}
			var out, errOut bytes.Buffer
			err := bench(context.Background(), []string{"--load", load, "--schemas", "40", "--subjects", "20",
				"--duration", "1s", "--rounds", "2", "--startup-records", "0", "--clients", "4"}, &out, &errOut)
			if err != nil {
				t.Fatalf("%v\n%s%s", err, out.String(), errOut.String())
			}
			for _, row := range []string{"baseline", `GET /schemas/ids/\{id\}`, `POST /subjects/\{s\} \(lookup\)`} {
				re := regexp.MustCompile(row + `.* +\d+ +[0-9.]+% +[0-9.]+ µs +[0-9.]+×`)
				if !re.MatchString(out.String()) {
					t.Errorf("no %s row with requests/s and server CPU per request:\n%s", row, out.String())
				}
			}
		})
	}
}
