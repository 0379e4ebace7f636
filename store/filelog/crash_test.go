package filelog

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
)

// crashDirEnv names the data directory of the crash helper process; set only in the child.
const crashDirEnv = "FILELOG_CRASH_DIR"

// ack is one record the helper process acknowledged: it was appended and synced.
type ack struct {
	offset       int64
	run, g, i, j int
}

// crashRecord is the record the helper writes for (run, g, i, j); the parent rebuilds it to
// check the contents.
func crashRecord(run, g, i, j int) store.Record {
	key := fmt.Sprintf("crash-%d-%d-%d-%d", run, g, i, j)
	return store.Record{Key: []byte(key), Value: bytes.Repeat([]byte(key), 1+(g*31+i*7+j)%40)}
}

// TestCrash runs a child process that appends and syncs from several goroutines, printing
// each acknowledged offset, and kills it with SIGKILL after a random number of acks. Every
// acknowledged record must be in the reopened log. The runs share one directory, so each
// child also starts from whatever the previous crash left.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	dir := t.TempDir()
	var acked []ack
	for run := range 20 {
		acked = append(acked, runCrashChild(t, dir, run, rng.IntN(150))...)
		checkAcked(t, dir, acked)
	}
	t.Logf("%d acknowledged records survived 20 crashes", len(acked))
}

// runCrashChild starts the helper for run, kills it once it has acknowledged killAfter
// records, and returns every ack it printed.
func runCrashChild(t *testing.T, dir string, run, killAfter int) []ack {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, fmt.Sprintf("FILELOG_CRASH_RUN=%d", run))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acks []ack
	killed := false
	sc := bufio.NewScanner(out)
	for {
		if len(acks) >= killAfter && !killed {
			cmd.Process.Kill() // SIGKILL
			killed = true
		}
		if !sc.Scan() {
			break
		}
		if a, ok := parseAck(sc.Text()); ok {
			acks = append(acks, a)
		} else if strings.HasPrefix(sc.Text(), "fail ") {
			t.Errorf("crash helper: %s", sc.Text())
		}
	}
	err = cmd.Wait()
	if !killed || strings.Contains(stderr.String(), "DATA RACE") {
		t.Fatalf("crash helper exited before %d acks (%d) or raced: %v\n%s", killAfter, len(acks), err, stderr.String())
	}
	return acks
}

// parseAck parses an "ack offset run g i j" line.
func parseAck(line string) (ack, bool) {
	var a ack
	n, err := fmt.Sscanf(line, "ack %d %d %d %d %d", &a.offset, &a.run, &a.g, &a.i, &a.j)
	return a, err == nil && n == 5
}

// checkAcked opens dir and checks that every acknowledged record is there, unchanged.
func checkAcked(t *testing.T, dir string, acked []ack) {
	t.Helper()
	l, err := Open(dir, testConfig(t))
	if err != nil {
		t.Fatalf("Open after a crash = %v", err)
	}
	defer l.Close()
	byOffset := map[int64]store.Record{}
	if err := l.ReadFrom(0, func(r store.Record) error {
		byOffset[r.Offset] = r
		return nil
	}); err != nil {
		t.Fatalf("ReadFrom after a crash = %v", err)
	}
	for _, a := range acked {
		want := crashRecord(a.run, a.g, a.i, a.j)
		got, ok := byOffset[a.offset]
		if !ok || !bytes.Equal(got.Key, want.Key) || !bytes.Equal(got.Value, want.Value) {
			t.Fatalf("acknowledged offset %d = %q (present: %t), want key %q", a.offset, got.Key, ok, want.Key)
		}
		if a.offset >= l.End() {
			t.Fatalf("End() = %d, but offset %d was acknowledged", l.End(), a.offset)
		}
	}
}

// TestCrashHelper is the child process of TestCrash: it appends and syncs from 8 goroutines
// until killed, printing "ack offset run g i j" for every record once Sync returns, and
// compacts now and then. It reports errors as "fail" lines, which fail the parent.
func TestCrashHelper(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("helper process for TestCrash")
	}
	var run int
	fmt.Sscan(os.Getenv("FILELOG_CRASH_RUN"), &run)
	l, err := Open(dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	// The parent kills us; the deadline only ends an orphan whose parent died.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out sync.Mutex
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				err := crashAppend(ctx, l, &out, run, g, i)
				if err == nil && g == 0 && i%10 == 9 {
					_, err = l.Compact() // so that some kills land in a compaction
				}
				if err != nil {
					out.Lock()
					defer out.Unlock()
					fmt.Fprintf(os.Stdout, "fail %d: %v\n", g, err) // the parent reads stdout
					return
				}
			}
		})
	}
	wg.Wait()
}

// crashAppend appends a batch of 1-3 records, syncs it, then prints one ack line per record
// with a single write.
func crashAppend(ctx context.Context, l *Log, out *sync.Mutex, run, g, i int) error {
	batch := make([]store.Record, 1+(g+i)%3)
	for j := range batch {
		batch[j] = crashRecord(run, g, i, j)
	}
	first, err := l.Append(batch)
	if err != nil {
		return err
	}
	if err := l.Sync(ctx, first+int64(len(batch))-1); err != nil {
		return err
	}
	var b strings.Builder
	for j := range batch {
		fmt.Fprintf(&b, "ack %d %d %d %d %d\n", first+int64(j), run, g, i, j)
	}
	out.Lock()
	defer out.Unlock()
	_, err = os.Stdout.WriteString(b.String())
	return err
}
