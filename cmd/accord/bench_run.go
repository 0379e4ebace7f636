package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// benchTarget is a server a read phase measures: where it answers, and its process id when
// known (0: its CPU time cannot be read).
type benchTarget struct {
	name string
	url  string
	pid  int
}

// phaseResult is one read phase: requests answered per second, and the server's CPU time
// per request (negative when the server's process is unknown).
type phaseResult struct {
	rate float64
	cpu  time.Duration
}

func (c *benchConfig) run(ctx context.Context, out io.Writer) error {
	if c.secure {
		return c.runSecure(ctx, out)
	}
	if c.scale {
		return c.runScale(ctx, out)
	}
	if c.rounds < 1 {
		return badInput(fmt.Errorf("--rounds %d: want at least 1", c.rounds))
	}
	dir, err := os.MkdirTemp("", "accord-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	driver, err := c.newLoadDriver(dir)
	if err != nil {
		return err
	}
	defer driver.close()
	baseline, err := c.startChild("baseline", []string{"bench", "--serve-baseline"}, "/")
	if err != nil {
		return err
	}
	defer baseline.stop()
	target := benchTarget{name: "registry", url: c.url, pid: c.pid}
	if c.url == "" {
		args := []string{"serve", "--data-dir", filepath.Join(dir, "data"), "--log-level", "warn"}
		if c.serverCPUProfile != "" {
			args = append(args, "--cpuprofile", c.serverCPUProfile)
		}
		registry, err := c.startChild("accord serve", args, "/readyz")
		if err != nil {
			return err
		}
		defer registry.stop()
		target = benchTarget{name: "registry", url: registry.url, pid: registry.cmd.Process.Pid}
	}
	base := benchTarget{name: "baseline", url: baseline.url, pid: baseline.cmd.Process.Pid}
	return c.measure(ctx, out, driver, base, target)
}

// startChild starts this binary with args and --listen (or --serve-baseline's address) on
// a free loopback port.
func (c *benchConfig) startChild(name string, args []string, ready string) (*benchProcess, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	if args[0] == "serve" {
		args = append(args, "--listen", addr)
	} else {
		args = append(args, addr)
	}
	return startBenchProcess(name, addr, args, ready)
}

func (c *benchConfig) measure(ctx context.Context, out io.Writer, driver loadDriver, base, target benchTarget) error {
	fmt.Fprintf(out, "accord bench: %d schemas over %d subjects; read phases: %d rounds of %s each, load from %s; servers in processes of their own\n",
		c.schemas, c.subjects, c.rounds, c.duration, driver.describe())
	client := newBenchClient(c.clients)
	defer client.CloseIdleConnections()
	reg, err := c.registerAll(ctx, client, target.url)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%-34s %12.0f /s\n", "registrations (fsync on)", reg)
	phases := []struct {
		name   string
		target benchTarget
		reqs   *benchRequests
	}{
		{"baseline (net/http, 60-byte JSON)", base, &benchRequests{method: "GET", paths: []string{"/"}}},
		{"GET /schemas/ids/{id}", target, c.idRequests()},
		{"POST /subjects/{s} (lookup)", target, c.lookupRequests()},
	}
	results := make([][]phaseResult, len(phases))
	for round := 0; round < c.rounds; round++ {
		for i, p := range phases {
			r, err := runPhase(ctx, driver, p.target, p.reqs, c.duration)
			if err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			results[i] = append(results[i], r)
		}
	}
	fmt.Fprintf(out, "%-34s %12s %9s %15s %9s  %s\n", "read phase (median of rounds)", "requests/s", "of base", "server CPU/req", "× base", "CPU × base by round")
	for i, p := range phases {
		fmt.Fprintln(out, formatPhase(p.name, results[i], results[0]))
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

// runPhase drives reqs against t for d, reading t's CPU time before and after.
func runPhase(ctx context.Context, driver loadDriver, t benchTarget, reqs *benchRequests, d time.Duration) (phaseResult, error) {
	cpu0, cpuErr := targetCPU(t)
	n, elapsed, err := driver.run(ctx, t.url, reqs, d)
	if err != nil {
		return phaseResult{}, err
	}
	cpu1, cpuErr1 := targetCPU(t)
	r := phaseResult{rate: float64(n) / elapsed.Seconds(), cpu: -1}
	if cpuErr == nil && cpuErr1 == nil && n > 0 {
		r.cpu = (cpu1 - cpu0) / time.Duration(n)
	}
	return r, nil
}

func targetCPU(t benchTarget) (time.Duration, error) {
	if t.pid == 0 {
		return 0, fmt.Errorf("%s: process unknown", t.name)
	}
	return processCPU(t.pid)
}

// formatPhase is one line of the read table: medians over the rounds, and the CPU ratio to
// the baseline of each round (each round's phases ran back to back, under the same
// disturbances from the rest of the machine).
func formatPhase(name string, rs, base []phaseResult) string {
	rate := median(rs, func(r phaseResult) float64 { return r.rate })
	baseRate := median(base, func(r phaseResult) float64 { return r.rate })
	line := fmt.Sprintf("%-34s %12.0f %8.1f%%", name, rate, 100*rate/baseRate)
	if rs[0].cpu < 0 || base[0].cpu < 0 {
		return line + fmt.Sprintf(" %15s %9s", "-", "-")
	}
	var ratios []string
	for i := range rs {
		ratios = append(ratios, fmt.Sprintf("%.2f", float64(rs[i].cpu)/float64(base[i].cpu)))
	}
	cpu := median(rs, func(r phaseResult) float64 { return float64(r.cpu) })
	ratio := median(indices(rs), func(i int) float64 { return float64(rs[i].cpu) / float64(base[i].cpu) })
	return line + fmt.Sprintf(" %12.1f µs %8.2f×  %s", cpu/1e3, ratio, strings.Join(ratios, " "))
}

func indices[T any](s []T) []int {
	is := make([]int, len(s))
	for i := range is {
		is[i] = i
	}
	return is
}

// median is the median of f over s (the mean of the middle two for an even count).
func median[T any](s []T, f func(T) float64) float64 {
	vs := make([]float64, len(s))
	for i, x := range s {
		vs[i] = f(x)
	}
	slices.Sort(vs)
	if n := len(vs); n%2 == 0 {
		return (vs[n/2-1] + vs[n/2]) / 2
	}
	return vs[len(vs)/2]
}

// idRequests are GETs of every registered id, asked at random.
func (c *benchConfig) idRequests() *benchRequests {
	r := &benchRequests{method: "GET"}
	for id := 1; id <= c.schemas; id++ {
		r.paths = append(r.paths, fmt.Sprintf("/schemas/ids/%d", id))
	}
	return r
}

// lookupRequests are lookups by schema (POST /subjects/{s}) of every registered schema.
func (c *benchConfig) lookupRequests() *benchRequests {
	r := &benchRequests{method: "POST"}
	for n := 0; n < c.schemas; n++ {
		r.paths = append(r.paths, "/subjects/"+c.subject(n))
		r.bodies = append(r.bodies, schemaBody(c.subject(n), c.fieldsOf(n)))
	}
	return r
}
