package main

// The load of a read phase comes from wrk when it is installed (`make deps` installs it): a C
// client that costs the machine far less per request than a Go server does, so the server,
// not the client, is what runs out of CPU. Without wrk, Go clients in the bench's own process
// drive the load; the server's CPU time per request is then still its own (it runs in
// another process), but its throughput is bounded by clients that cost about as much as it
// does, so the requests/s column understates it.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"time"
)

// benchRequests is what a read phase asks: each request is one of these, picked at random.
type benchRequests struct {
	method string
	paths  []string
	bodies [][]byte // one per path for a POST; nil for a GET
}

func (r *benchRequests) pick(rng *rand.Rand) (string, []byte) {
	i := rng.IntN(len(r.paths))
	if r.bodies == nil {
		return r.paths[i], nil
	}
	return r.paths[i], r.bodies[i]
}

// loadDriver sends requests to a server for a while and counts the answers.
type loadDriver interface {
	// run sends reqs to base from the driver's connections for d, and returns how many were
	// answered 200 and how long that took. Any other answer fails the phase.
	run(ctx context.Context, base string, reqs *benchRequests, d time.Duration) (int64, time.Duration, error)
	describe() string
	// close releases the driver's connections.
	close()
}

// newLoadDriver is the driver --load names: wrk, go, or auto (wrk when on PATH).
func (c *benchConfig) newLoadDriver(dir string) (loadDriver, error) {
	switch c.load {
	case "go":
		return &goDriver{clients: c.clients, client: newBenchClient(c.clients)}, nil
	case "wrk", "auto":
		path, err := exec.LookPath("wrk")
		if err == nil {
			return &wrkDriver{path: path, threads: min(2, runtime.NumCPU()), conns: c.clients, dir: dir}, nil
		}
		if c.load == "wrk" {
			return nil, badInput(fmt.Errorf("--load wrk: %w (make deps installs it)", err))
		}
		return &goDriver{clients: c.clients, client: newBenchClient(c.clients)}, nil
	}
	return nil, badInput(fmt.Errorf("--load %q: want auto, wrk or go", c.load))
}

// goDriver is clients goroutines of this process, each on its own keep-alive connection.
type goDriver struct {
	clients int
	client  *http.Client
}

func (g *goDriver) describe() string {
	return fmt.Sprintf("Go clients in this process (%d)", g.clients)
}

func (g *goDriver) close() { g.client.CloseIdleConnections() }

func (g *goDriver) run(ctx context.Context, base string, reqs *benchRequests, d time.Duration) (int64, time.Duration, error) {
	rngs := make([]*rand.Rand, g.clients)
	for w := range rngs {
		rngs[w] = rand.New(rand.NewPCG(uint64(w), 17))
	}
	return runCount(ctx, d, g.clients, func(w, _ int) error {
		path, body := reqs.pick(rngs[w])
		if body == nil {
			return getOK(g.client, base+path)
		}
		return postOK(g.client, base+path, body)
	})
}

// wrkDriver runs wrk with a Lua script that picks each request at random from a file of
// requests written by the bench, so that wrk sends exactly the bytes the Go driver would.
type wrkDriver struct {
	path           string
	threads, conns int
	dir            string // where the request files go
	files          int
}

func (w *wrkDriver) describe() string {
	return fmt.Sprintf("wrk (%d threads, %d connections)", w.threads, w.conns)
}

// wrkScript loads the requests file named by its argument, one request a line: the path,
// and for a POST a space and the JSON body (which holds no newline).
const wrkScript = `
local reqs = {}
local method
function init(args)
  method = args[2]
  local headers = {["Content-Type"] = "application/vnd.schemaregistry.v1+json"}
  for line in io.lines(args[1]) do
    local path, body = line:match("^(%S+) (.*)$")
    if path == nil then path, body = line, nil end
    reqs[#reqs + 1] = wrk.format(method, path, headers, body)
  end
  math.randomseed(os.time() + tonumber(tostring(reqs):match("0x(%x+)") or "0", 16) % 1000003)
end
function request()
  return reqs[math.random(#reqs)]
end
`

func (w *wrkDriver) close() {}

func (w *wrkDriver) run(ctx context.Context, base string, reqs *benchRequests, d time.Duration) (int64, time.Duration, error) {
	script, list, err := w.writeFiles(reqs)
	if err != nil {
		return 0, 0, err
	}
	secs := max(1, int(d.Round(time.Second)/time.Second))
	cmd := exec.CommandContext(ctx, w.path, "-t", strconv.Itoa(w.threads), "-c", strconv.Itoa(w.conns),
		"-d", strconv.Itoa(secs)+"s", "--timeout", "10s", "-s", script, base, "--", list, reqs.method)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("wrk: %w: %s", err, bytes.TrimSpace(out))
	}
	return parseWrk(out)
}

// writeFiles writes the script (once) and reqs's requests file.
func (w *wrkDriver) writeFiles(reqs *benchRequests) (script, list string, err error) {
	script = filepath.Join(w.dir, "bench.lua")
	if err := os.WriteFile(script, []byte(wrkScript), 0o600); err != nil {
		return "", "", err
	}
	w.files++
	list = filepath.Join(w.dir, fmt.Sprintf("requests-%d.txt", w.files))
	f, err := os.Create(list)
	if err != nil {
		return "", "", err
	}
	bw := bufio.NewWriter(f)
	for i, p := range reqs.paths {
		bw.WriteString(p)
		if reqs.bodies != nil {
			bw.WriteByte(' ')
			bw.Write(reqs.bodies[i])
		}
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return "", "", err
	}
	return script, list, f.Close()
}

var (
	wrkTotal    = regexp.MustCompile(`(\d+) requests in ([0-9.]+)(us|ms|s|m)\b`)
	wrkNon2xx   = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkSocket   = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	wrkDuration = map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "m": time.Minute}
)

// parseWrk reads the request count and elapsed time from wrk's report, and fails on any
// answer that was not a 2xx and on any socket error.
func parseWrk(out []byte) (int64, time.Duration, error) {
	if m := wrkNon2xx.FindSubmatch(out); m != nil {
		return 0, 0, fmt.Errorf("wrk: %s non-2xx answers: %s", m[1], bytes.TrimSpace(out))
	}
	if m := wrkSocket.FindSubmatch(out); m != nil {
		for _, n := range m[1:] {
			if string(n) != "0" {
				return 0, 0, fmt.Errorf("wrk: socket errors: %s", m[0])
			}
		}
	}
	m := wrkTotal.FindSubmatch(out)
	if m == nil {
		return 0, 0, errors.New("wrk: no request count in its report: " + string(bytes.TrimSpace(out)))
	}
	n, err := strconv.ParseInt(string(m[1]), 10, 64)
	if err != nil {
		return 0, 0, err
	}
	f, err := strconv.ParseFloat(string(m[2]), 64)
	if err != nil {
		return 0, 0, err
	}
	return n, time.Duration(f * float64(wrkDuration[string(m[3])])), nil
}
