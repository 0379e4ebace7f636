package auth

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// floodEnv names the environment variable that makes TestArgon2idFloodMemory's child run.
const floodEnv = "ACCORD_TEST_ARGON2ID_FLOOD"

// TestArgon2idFloodMemory: 40 concurrent wrong passwords for an argon2id user at m=65536
// (64 MiB each) keep the process's peak resident memory under 300 MiB with the default
// limits. The flood runs in a child process of its own, so that the peak (VmHWM) is its
// alone and not that of whatever ran earlier in this one.
func TestArgon2idFloodMemory(t *testing.T) {
	if os.Getenv(floodEnv) != "" {
		argon2idFlood(t)
		return
	}
	if raceDetector {
		t.Skip("the race detector's shadow memory would be measured too; run without -race")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc/self/status (Linux) to read the peak resident memory")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestArgon2idFloodMemory$", "-test.v")
	cmd.Env = append(os.Environ(), floodEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the flood process failed: %v\n%s", err, out)
	}
	var before, peak int
	if _, err := fmt.Sscanf(lineWith(string(out), "VmHWM"), "VmHWM before %d KiB, after %d KiB", &before, &peak); err != nil {
		t.Fatalf("no VmHWM line in the flood's output (%v):\n%s", err, out)
	}
	t.Logf("peak resident memory: %d MiB before the flood, %d MiB after", before>>10, peak>>10)
	if peak > 300<<10 {
		t.Errorf("40 concurrent argon2id checks raised the peak resident memory to %d MiB, want under 300", peak>>10)
	}
}

// argon2idFlood is the child's part: the flood, and the peak before and after it.
func argon2idFlood(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.yaml")
	// m=65536 as HashArgon2id writes; no password has this key, and making a real one here
	// would take 64 MiB before the flood starts.
	writeUsers(t, path, map[string]string{"analytics": "$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"})
	// As many turns as checks, so that only the memory budget (the default) bounds them.
	a, err := LoadLimited(path, Limits{HashConcurrency: 40, HashWait: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	before := vmHWM(t)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			// Distinct addresses, so that the failure limit does not stop the flood early.
			a.Check(context.Background(), "analytics", fmt.Sprint("wrong-", i), fmt.Sprint("10.0.0.", i))
		})
	}
	wg.Wait()
	fmt.Printf("VmHWM before %d KiB, after %d KiB\n", before, vmHWM(t))
}

// vmHWM is the process's peak resident memory in KiB.
func vmHWM(t *testing.T) int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kib, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				t.Fatal(err)
			}
			return kib
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}

func lineWith(text, word string) string {
	for line := range strings.Lines(text) {
		if strings.Contains(line, word) {
			return line
		}
	}
	return ""
}
