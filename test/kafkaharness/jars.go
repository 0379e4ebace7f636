package main

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// pomPath is where the harness's Maven pom lives, relative to the module root.
const pomPath = "test/kafka/pom.xml"

// dependencyPlugin is pinned: the version Maven would pick by default varies with the Maven
// install, and 3.8.1 is the newest that runs on the machines' Maven 3.8.
const dependencyPlugin = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

// ensureJars makes sure the jar cache for the pom's Kafka version is complete, fetching it with
// Maven if not, and returns the directory of jars (for java's "-cp dir/*").
//
// The jars live outside the repository, in ${XDG_CACHE_HOME:-$HOME/.cache}/accord/kafka-VERSION,
// so that a fresh clone or `git clean` does not fetch 43 MB again. Maven writes into a temporary
// sibling directory that is renamed into place only when it is complete, so a download
// interrupted halfway is never taken for a cache.
func ensureJars(ctx context.Context) (string, error) {
	pom, err := findPom()
	if err != nil {
		return "", err
	}
	version, err := kafkaVersion(pom)
	if err != nil {
		return "", err
	}
	cache, err := cacheDir(version)
	if err != nil {
		return "", err
	}
	libs := filepath.Join(cache, "libs")
	complete := func(dir string) bool {
		_, err := os.Stat(filepath.Join(dir, "kafka_2.13-"+version+".jar"))
		return err == nil
	}
	if complete(libs) {
		return libs, nil
	}

	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(cache, "libs.partial-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // a no-op once renamed

	logf("fetching the Kafka %s jars from Maven Central into %s", version, libs)
	start := time.Now()
	mvn := exec.CommandContext(ctx, "mvn", "-B", "-q", "-ntp",
		"-f", pom, dependencyPlugin+":copy-dependencies",
		"-DincludeScope=runtime", "-DoutputDirectory="+tmp)
	mvn.Stdout, mvn.Stderr = os.Stderr, os.Stderr
	if err := mvn.Run(); err != nil {
		return "", fmt.Errorf("mvn copy-dependencies for %s: %w (needs Maven and access to Maven Central)", pom, err)
	}
	if !complete(tmp) {
		return "", fmt.Errorf("mvn finished but %s has no kafka_2.13-%s.jar", tmp, version)
	}
	if complete(libs) { // another run won the race
		return libs, nil
	}
	if err := os.RemoveAll(libs); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, libs); err != nil {
		return "", err
	}
	logf("fetched the jars in %s", time.Since(start).Round(100*time.Millisecond))
	return libs, nil
}

// findPom looks for the harness pom in the working directory and its parents, so the harness
// works from anywhere in the module.
func findPom() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		pom := filepath.Join(dir, pomPath)
		if _, err := os.Stat(pom); err == nil {
			return pom, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%s not found in the working directory or its parents", pomPath)
		}
		dir = parent
	}
}

// kafkaVersion reads the kafka.version property from the pom, the one place the version is set.
func kafkaVersion(pom string) (string, error) {
	b, err := os.ReadFile(pom)
	if err != nil {
		return "", err
	}
	var p struct {
		KafkaVersion string `xml:"properties>kafka.version"`
	}
	if err := xml.Unmarshal(b, &p); err != nil {
		return "", fmt.Errorf("%s: %w", pom, err)
	}
	if p.KafkaVersion == "" {
		return "", fmt.Errorf("%s: no <kafka.version> property", pom)
	}
	return p.KafkaVersion, nil
}

// cacheDir follows the XDG convention on every OS (os.UserCacheDir would pick ~/Library/Caches
// on macOS), so the path the docs and CI caches name is the same everywhere.
func cacheDir(version string) (string, error) {
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", errors.New("neither XDG_CACHE_HOME nor HOME is set")
		}
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "accord", "kafka-"+version), nil
}
