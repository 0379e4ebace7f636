package test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cpu is the CPU time (user and system, all threads) the process has used so far, from
// /proc/<pid>/stat: utime and stime, in clock ticks of 1/100 s (USER_HZ, fixed at 100 for
// user space). On a machine whose cores the broker, the registries and the clients share,
// CPU per registration says more about a change than the rate, which follows the load.
func (s *benchServer) cpu(b *testing.B) time.Duration {
	b.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		b.Fatalf("CPU time of accord: %v", err)
	}
	line := string(data)
	fields := strings.Fields(line[strings.LastIndexByte(line, ')')+1:])
	// fields[0] is the state (field 3 of proc(5)); utime and stime are fields 14 and 15.
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			b.Fatalf("CPU time of accord: %v", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * (time.Second / 100)
}

// cpuMeter adds up the CPU time some processes spend in phases of a benchmark.
type cpuMeter struct {
	servers []*benchServer
	start   []time.Duration
	total   []time.Duration
}

func newCPUMeter(servers ...*benchServer) *cpuMeter {
	return &cpuMeter{servers: servers, start: make([]time.Duration, len(servers)), total: make([]time.Duration, len(servers))}
}

func (m *cpuMeter) begin(b *testing.B) {
	for i, s := range m.servers {
		m.start[i] = s.cpu(b)
	}
}

func (m *cpuMeter) end(b *testing.B) {
	for i, s := range m.servers {
		m.total[i] += s.cpu(b) - m.start[i]
	}
}

// perWrite is the i-th server's CPU milliseconds per registration over writes registrations.
func (m *cpuMeter) perWrite(i, writes int) float64 {
	return m.total[i].Seconds() * 1000 / float64(writes)
}
