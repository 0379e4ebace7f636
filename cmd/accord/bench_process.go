package main

// The servers `accord bench` measures run as child processes of their own: the registry as
// `accord serve` (serve's defaults: metrics, limits, deadlines, request ids), and the
// baseline as `accord bench --serve-baseline`. A server sharing the bench's process shares
// its CPU time and its scheduler with the load generator, and then the bench measures the
// client; in a process of its own, the CPU time the kernel charges to it over a phase is
// the server's cost, whatever drives the load.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// benchProcess is a server running as a child process, answering at url.
type benchProcess struct {
	name   string
	url    string
	cmd    *exec.Cmd
	stderr *tailBuffer
	done   chan struct{}
	err    error // how the process ended, once done is closed
}

// startBenchProcess runs this binary with args (which must make it listen on addr) and
// waits until GET ready answers 200. The child's argv[0] is "accord", which is what the
// test binary dispatches on.
func startBenchProcess(name, addr string, args []string, ready string) (*benchProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	p := &benchProcess{name: name, url: "http://" + addr, stderr: &tailBuffer{max: 8 << 10}, done: make(chan struct{})}
	p.cmd = &exec.Cmd{Path: exe, Args: append([]string{"accord"}, args...), Stderr: p.stderr}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	if err := p.waitReady(ready); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

// waitReady polls GET path until it answers 200, the process ends, or 30 s pass.
func (p *benchProcess) waitReady(path string) error {
	client := &http.Client{Timeout: time.Second}
	defer client.CloseIdleConnections()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if resp, err := client.Get(p.url + path); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s ended before it was ready (%v): %s", p.name, p.err, p.stderr)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after 30s: %s", p.name, p.stderr)
		}
	}
}

// stop sends SIGTERM, which serve answers by draining and stopping (and writing its CPU
// profile), and kills the process if it has not ended 15 s later.
func (p *benchProcess) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// cpu is the CPU time (user and system, all threads) the process has used so far.
func (p *benchProcess) cpu() (time.Duration, error) { return processCPU(p.cmd.Process.Pid) }

// processCPU reads a process's CPU time from /proc/<pid>/stat: utime and stime, in clock
// ticks of 1/100 s (USER_HZ, which Linux fixes at 100 for user space).
func processCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("server CPU time: %w", err)
	}
	return parseProcStat(string(data))
}

// parseProcStat is the utime+stime of a /proc/<pid>/stat line. The command name, in
// parentheses, may hold spaces and parentheses, so fields are counted after the last ')'.
func parseProcStat(line string) (time.Duration, error) {
	i := strings.LastIndexByte(line, ')')
	if i < 0 {
		return 0, errors.New("server CPU time: malformed /proc stat")
	}
	fields := strings.Fields(line[i+1:])
	// fields[0] is the state (field 3 of proc(5)); utime and stime are fields 14 and 15.
	if len(fields) < 13 {
		return 0, errors.New("server CPU time: short /proc stat")
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("server CPU time: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * (time.Second / 100), nil
}

// freeLoopbackAddr is a 127.0.0.1 address with a port free a moment ago, for a child to
// listen on.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// tailBuffer keeps the last max bytes written to it: a child's stderr, shown when it fails.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = t.buf[over:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.buf))
}

// baselineBody is the baseline's answer: 60 bytes of JSON, about a small schema's.
var baselineBody = []byte(`{"id":1,"schema":"\"string\"","padding":"xxxxxxxxxxxxxxxxxx"}`)

// serveBaseline serves the baseline on addr until ctx ends: a bare net/http handler writing
// baselineBody, the least any Go HTTP server can do per request.
func serveBaseline(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		w.Write(baselineBody)
	})}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
