package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/api"
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
// lookups and schema lookups, each as a ratio to a baseline echo handler that returns a
// constant 60-byte JSON body, measured in the same run with the same clients. It also times
// a cold start over a log of startupRecords records. With --secure it measures id lookups
// with Basic auth and TLS on against off instead (bench_secure.go).
func bench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	setUsage(fs, benchUsage)
	c := &benchConfig{}
	fs.StringVar(&c.url, "url", "", "registry to measure; empty starts one in this process on a temporary data dir")
	fs.IntVar(&c.clients, "clients", 32, "concurrent keep-alive clients")
	fs.IntVar(&c.schemas, "schemas", 10_000, "schemas to register before measuring reads")
	fs.IntVar(&c.subjects, "subjects", 1_000, "subjects the schemas are spread over")
	fs.DurationVar(&c.duration, "duration", 5*time.Second, "how long each read phase runs")
	fs.IntVar(&c.startupRecords, "startup-records", 100_000, "records in the log whose cold start is timed (0 skips)")
	fs.StringVar(&c.dataDir, "data-dir", "", "data dir of the in-process registry (default: a temporary directory)")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	fs.BoolVar(&c.secure, "secure", false, "instead of the usual phases: id lookups with Basic auth (bcrypt) and TLS on, as a ratio of the same in-process registry with them off")
	fs.IntVar(&c.rounds, "rounds", 3, "with --secure: measurements of each side, each lasting --duration")
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
	if c.cpuProfile != "" {
		f, err := os.Create(c.cpuProfile)
		if err != nil {
			return badInput(fmt.Errorf("--cpuprofile: %w", err))
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	return c.run(ctx, stdout)
}

const benchUsage = `Usage: accord bench [flags]

Measures a registry over HTTP (--url, or one started in this process): registrations, id
and schema lookups as ratios to a baseline handler, and a cold start; with --secure, id
lookups with Basic auth and TLS as a ratio of the same without.

Exit status: 0 measured (and, with --secure, at or above --min-ratio), 1 failed or below
--min-ratio, 2 bad usage or input.

Flags:
`

func (c *benchConfig) run(ctx context.Context, out io.Writer) error {
	if c.secure {
		return c.runSecure(ctx, out)
	}
	if c.scale {
		return c.runScale(ctx, out)
	}
	baseline, stopBaseline, err := startBaseline()
	if err != nil {
		return err
	}
	defer stopBaseline()
	target := c.url
	if target == "" {
		url, stop, err := c.startRegistry(ctx)
		if err != nil {
			return err
		}
		defer stop()
		target = url
	}
	return c.measure(ctx, out, baseline, target)
}

func (c *benchConfig) measure(ctx context.Context, out io.Writer, baseline, target string) error {
	client := newBenchClient(c.clients)
	fmt.Fprintf(out, "accord bench: %d clients, %d schemas over %d subjects, %s per read phase\n", c.clients, c.schemas, c.subjects, c.duration)
	reg, err := c.registerAll(ctx, client, target)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%-34s %12.0f /s\n", "registrations (fsync on)", reg)
	base, err := runFor(ctx, c.duration, c.clients, func(w int, i int) error { return getOK(client, baseline+"/baseline") })
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	fmt.Fprintf(out, "%-34s %12.0f /s\n", "baseline (constant 60-byte JSON)", base)
	if err := c.readPhases(ctx, out, client, target, base); err != nil {
		return err
	}
	if c.startupRecords > 0 {
		d, err := timeStartup(ctx, c.startupRecords)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%-34s %12s\n", fmt.Sprintf("startup with %d records", c.startupRecords), d.Round(time.Millisecond))
	}
	return nil
}

func (c *benchConfig) readPhases(ctx context.Context, out io.Writer, client *http.Client, target string, base float64) error {
	byID, err := runFor(ctx, c.duration, c.clients, func(w, i int) error {
		return getOK(client, fmt.Sprintf("%s/schemas/ids/%d", target, c.lookupID(w, i)))
	})
	if err != nil {
		return fmt.Errorf("GET /schemas/ids: %w", err)
	}
	fmt.Fprintf(out, "%-34s %12.0f /s  %5.1f%% of baseline\n", "GET /schemas/ids/{id}", byID, 100*byID/base)
	lookups, err := runFor(ctx, c.duration, c.clients, func(w, i int) error {
		n := (w*7919 + i) % c.schemas
		return postOK(client, fmt.Sprintf("%s/subjects/%s", target, c.subject(n)), schemaBody(c.subject(n), c.fieldsOf(n)))
	})
	if err != nil {
		return fmt.Errorf("POST /subjects/{s}: %w", err)
	}
	fmt.Fprintf(out, "%-34s %12.0f /s  %5.1f%% of baseline\n", "POST /subjects/{s} (lookup)", lookups, 100*lookups/base)
	return nil
}

// startRegistry runs Accord in this process on a loopback port.
func (c *benchConfig) startRegistry(ctx context.Context) (string, func(), error) {
	st, closeStore, err := c.openStore(ctx)
	if err != nil {
		return "", nil, err
	}
	url, stop, err := serveLoopback(api.New(api.Config{Store: st}))
	if err != nil {
		closeStore()
		return "", nil, err
	}
	return url, func() { stop(); closeStore() }, nil
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

// startBaseline serves the baseline: an echo handler answering a constant 60-byte JSON body.
func startBaseline() (string, func(), error) {
	body := []byte(`{"id":1,"schema":"\"string\"","padding":"xxxxxxxxxxxxxxxxxx"}`)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/baseline", func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/vnd.schemaregistry.v1+json", body)
	})
	return serveLoopback(e)
}

func serveLoopback(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}
