package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/accord-registry/accord/test/kafkatest"
)

// dependencyPlugin is pinned: the version Maven would pick by default varies with the Maven
// install, and 3.8.1 is the newest that runs on the machines' Maven 3.8.
const dependencyPlugin = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

// ensureJars makes sure the jar cache for the pom's Kafka version is complete (see
// [kafkatest.JarCache]), fetching it with Maven if not, and returns the directory of jars.
//
// Maven writes into a temporary sibling directory that is renamed into place only when it is
// complete, so a download interrupted halfway is never taken for a cache.
func ensureJars(ctx context.Context) (string, error) {
	jars, err := kafkatest.FindJarCache()
	if err != nil {
		return "", err
	}
	if jars.Complete() {
		return jars.Libs, nil
	}
	cache := filepath.Dir(jars.Libs)
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(cache, "libs.partial-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // a no-op once renamed

	logf("fetching the Kafka %s jars from Maven Central into %s", jars.Version, jars.Libs)
	start := time.Now()
	if err := mavenCommand(ctx, jars.Pom, tmp).Run(); err != nil {
		return "", fmt.Errorf("mvn copy-dependencies for %s: %w (needs Maven and access to Maven Central)", jars.Pom, err)
	}
	if partial := (kafkatest.JarCache{Version: jars.Version, Libs: tmp}); !partial.Complete() {
		return "", fmt.Errorf("mvn finished but %s has no kafka_2.13-%s.jar", tmp, jars.Version)
	}
	if jars.Complete() { // another run won the race
		return jars.Libs, nil
	}
	if err := os.RemoveAll(jars.Libs); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, jars.Libs); err != nil {
		return "", err
	}
	logf("fetched the jars in %s", time.Since(start).Round(100*time.Millisecond))
	return jars.Libs, nil
}

// mavenCommand is the Maven run that copies the pom's runtime dependencies into dir: in
// batch mode and without colour, as befits a log, and with what it prints stripped of the
// terminal escapes Maven 3.8 writes even so (ESC[0m before its errors).
func mavenCommand(ctx context.Context, pom, dir string) *exec.Cmd {
	mvn := exec.CommandContext(ctx, "mvn", "-B", "-q", "-ntp", "-Dstyle.color=never",
		"-f", pom, dependencyPlugin+":copy-dependencies",
		"-DincludeScope=runtime", "-DoutputDirectory="+dir)
	plain := &plainWriter{w: os.Stderr}
	mvn.Stdout, mvn.Stderr = plain, plain // one writer: exec copies both through one pipe
	return mvn
}

// plainWriter writes to w what it is given without terminal escape sequences (ESC [ ...
// final byte, or ESC and one byte), also when a sequence is split across writes.
type plainWriter struct {
	w     io.Writer
	state int // plainText, afterEscape or inSequence
}

const (
	plainText = iota
	afterEscape
	inSequence
)

func (p *plainWriter) Write(b []byte) (int, error) {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		switch {
		case p.state == plainText && c == 0x1b:
			p.state = afterEscape
		case p.state == plainText:
			out = append(out, c)
		case p.state == afterEscape && c == '[':
			p.state = inSequence
		case p.state == afterEscape:
			p.state = plainText
		case c >= 0x40 && c <= 0x7e: // a sequence's final byte
			p.state = plainText
		}
	}
	if _, err := p.w.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}
