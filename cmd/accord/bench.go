package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// benchConfig drives `accord bench`.
type benchConfig struct {
	url            string
	clients        int
	schemas        int
	subjects       int
	duration       time.Duration
	startupRecords int
	dataDir        string
	cpuProfile     string
	// The servers in child processes (bench_process.go) and the load (bench_drive.go).
	load              string
	pid               int
	serverCPUProfile  string
	serveBaselineAddr string
	// --secure (bench_secure.go): id lookups with Basic auth and TLS against without.
	secure   bool
	rounds   int
	slice    time.Duration
	warmup   time.Duration
	minRatio float64
	// --scale (bench_scale.go): the registry at --schemas schemas over --subjects subjects.
	scale         bool
	scaleRegister int
	scaleKafka    string
}

// bench measures a registry over HTTP: registrations while it fills with schemas, then id
// lookups and schema lookups, each beside a baseline (a bare net/http handler answering a
// constant 60-byte JSON body) measured in the same run with the same load, in interleaved
// rounds: requests per second, and the server's CPU time per request, read from its own
// process (bench_run.go). It also times a cold start over a log of startupRecords records.
// With --secure it measures id lookups with Basic auth and TLS on against off instead
// (bench_secure.go).
func bench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	setUsage(fs, benchUsage)
	c := &benchConfig{}
	fs.StringVar(&c.url, "url", "", "registry to measure; empty starts one (accord serve, in a child process) on a temporary data dir")
	fs.IntVar(&c.pid, "pid", 0, "with --url: process id of that registry, whose CPU time per request is then reported (Linux)")
	fs.StringVar(&c.load, "load", "auto", "what drives the read phases: wrk, go (clients in this process), or auto (wrk when on PATH)")
	fs.StringVar(&c.serverCPUProfile, "server-cpuprofile", "", "write a CPU profile of the registry's child process to this file")
	fs.StringVar(&c.serveBaselineAddr, "serve-baseline", "", "internal: only serve the baseline handler on this address, until SIGTERM (bench runs it as a child process)")
	fs.IntVar(&c.clients, "clients", 32, "concurrent keep-alive clients")
	fs.IntVar(&c.schemas, "schemas", 10_000, "schemas to register before measuring reads")
	fs.IntVar(&c.subjects, "subjects", 1_000, "subjects the schemas are spread over")
	fs.DurationVar(&c.duration, "duration", 5*time.Second, "how long each read phase runs")
	fs.IntVar(&c.startupRecords, "startup-records", 100_000, "records in the log whose cold start is timed (0 skips)")
	fs.StringVar(&c.dataDir, "data-dir", "", "data dir of the in-process registry (default: a temporary directory)")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	fs.BoolVar(&c.secure, "secure", false, "instead of the usual phases: id lookups with Basic auth (bcrypt) and TLS on, as a ratio of the same in-process registry with them off")
	fs.IntVar(&c.rounds, "rounds", 3, "measurements of each read phase (and of each side with --secure), interleaved, each lasting --duration; the median is reported")
	fs.DurationVar(&c.slice, "slice", 500*time.Millisecond, "with --secure: the sides take turns every slice within a round, so that other work on the machine slows both alike")
	fs.DurationVar(&c.warmup, "warmup", time.Second, "with --secure: unmeasured run of each side first, which opens the connections (and their TLS handshakes)")
	fs.Float64Var(&c.minRatio, "min-ratio", 0.6, "with --secure: fail when the median ratio secure/plain is below this")
	fs.BoolVar(&c.scale, "scale", false, "instead of the usual phases: memory, startup, lookups, list pages and a compatibility check with --schemas schemas over --subjects subjects, written directly to a log (make bench-scale: 1,000,000 over 100,000)")
	fs.IntVar(&c.scaleRegister, "scale-register", 10_000, "with --scale: schemas registered through HTTP to measure the registration rate")
	fs.StringVar(&c.scaleKafka, "scale-kafka-brokers", "", "with --scale: also time `accord serve` starting from a topic holding the schemas on these brokers, without and with its snapshot")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badUsage(fs, "unexpected argument %q: bench takes flags only", fs.Arg(0))
	}
	if c.serveBaselineAddr != "" {
		return serveBaseline(ctx, c.serveBaselineAddr)
	}
	stopProfile, err := startCPUProfile(c.cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	return c.run(ctx, stdout)
}

const benchUsage = `Usage: accord bench [flags]

Measures a registry over HTTP (--url, or accord serve started as a child process):
registrations, then id and schema lookups beside a baseline handler (a bare net/http one,
in a child process of its own) in interleaved rounds, as requests/s and the server's CPU
time per request, each also as a ratio to the baseline's; and a cold start. The read load
comes from wrk when installed (--load). With --secure, id lookups with Basic auth and TLS
as a ratio of the same without.

Exit status: 0 measured (and, with --secure, at or above --min-ratio), 1 failed or below
--min-ratio, 2 bad usage or input.

Flags:
`

// startCPUProfile profiles this process into path until stop is called; an empty path
// profiles nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, badInput(fmt.Errorf("--cpuprofile: %w", err))
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// openStore opens the embedded store on --data-dir, or on a temporary directory that closing
// removes.
func (c *benchConfig) openStore(ctx context.Context) (*store.Store, func(), error) {
	dir := c.dataDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "accord-bench-")
		if err != nil {
			return nil, nil, err
		}
		dir = tmp
	}
	st, closeStore, err := openBenchStore(ctx, dir, filelog.Config{})
	if err != nil {
		if c.dataDir == "" {
			os.RemoveAll(dir)
		}
		return nil, nil, err
	}
	return st, func() {
		closeStore()
		if c.dataDir == "" {
			os.RemoveAll(dir)
		}
	}, nil
}

// openBenchStore opens a store over a file log in dir.
func openBenchStore(ctx context.Context, dir string, cfg filelog.Config) (*store.Store, func(), error) {
	log, err := filelog.Open(dir, cfg)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, store.Config{Log: log})
	if err != nil {
		log.Close()
		return nil, nil, err
	}
	return st, func() { st.Close(); log.Close() }, nil
}
