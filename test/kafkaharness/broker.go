package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/accord-registry/accord/test/kafkatest"
)

// Files the harness adds to the broker's directory. marker says the directory is ours, so that
// down never removes a directory it did not make (think `-dir .`); bootstrap holds the address
// once the broker is ready, for `make kafka-test` to export as KAFKA_BOOTSTRAP.
const (
	marker        = ".kafkaharness"
	bootstrapFile = "bootstrap"
)

// up starts a broker in dir, or reuses the one a previous up left there, and returns its
// bootstrap address once it is ready. The broker outlives this program.
func up(ctx context.Context, dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if addr, ok := reusable(ctx, dir); ok {
		logf("reusing the broker at %s (%s)", addr, dir)
		return addr, nil
	}
	if err := down(dir); err != nil { // whatever an earlier run left behind
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, marker), []byte("made by go run ./test/kafkaharness up; removed by down\n"), 0o644); err != nil {
		return "", err
	}
	start := time.Now()
	b, err := kafkatest.NewBroker(ctx, dir, logf)
	if err != nil {
		return "", err
	}
	if err := b.Start(ctx); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, bootstrapFile), []byte(b.Addr()+"\n"), 0o644); err != nil {
		return "", err
	}
	logf("broker (pid %d) ready at %s after %s", b.Pid(), b.Addr(), time.Since(start).Round(100*time.Millisecond))
	return b.Addr(), nil
}

// down stops the broker in dir, if one runs, and removes dir. A missing dir is not an error.
func down(dir string) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, marker)); err != nil && len(entries) > 0 {
		return fmt.Errorf("refusing to remove %s: kafkaharness did not make it (no %s file)", dir, marker)
	}
	if b, err := kafkatest.OpenBroker(dir, logf); err == nil {
		if err := b.Halt(syscall.SIGTERM); err != nil {
			return err
		}
	}
	return os.RemoveAll(dir)
}

// reusable reports the address of a broker that a previous up left running in dir, if it
// still answers.
func reusable(ctx context.Context, dir string) (string, bool) {
	b, err := kafkatest.OpenBroker(dir, logf)
	if err != nil || !b.Running() {
		return "", false
	}
	if addr, err := os.ReadFile(filepath.Join(dir, bootstrapFile)); err != nil || strings.TrimSpace(string(addr)) != b.Addr() {
		return "", false // up did not finish
	}
	if err := b.Ping(ctx); err != nil {
		logf("the broker in %s (pid %d) does not answer (%v); replacing it", dir, b.Pid(), err)
		return "", false
	}
	return b.Addr(), true
}
