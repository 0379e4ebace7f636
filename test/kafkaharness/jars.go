package main

import (
	"context"
	"fmt"
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
	mvn := exec.CommandContext(ctx, "mvn", "-B", "-q", "-ntp",
		"-f", jars.Pom, dependencyPlugin+":copy-dependencies",
		"-DincludeScope=runtime", "-DoutputDirectory="+tmp)
	mvn.Stdout, mvn.Stderr = os.Stderr, os.Stderr
	if err := mvn.Run(); err != nil {
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
