// Command kafkaharness runs a real single-node Apache Kafka broker for Accord's tests.
//
// Most tests run on kfake, franz-go's in-process fake, which is fast but not Kafka: it accepts
// unknown topic configs and key-less records on compacted topics, compacts differently, and has
// no real startup, coordinator or transaction timing. To check the same tests against the real
// thing, this program assembles a KRaft broker from Maven Central jars (test/kafka/pom.xml; no
// Kafka package or Docker is available on our machines) and runs it with the JDK:
//
//	go run ./test/kafkaharness jars              # fetch the jars into the user cache
//	go run ./test/kafkaharness up [-dir .kafka]   # start a broker, print its bootstrap address
//	go run ./test/kafkaharness down [-dir .kafka] # stop it and remove the directory
//
// up leaves the broker running in the background (its own process group, so it outlives this
// program) and writes "127.0.0.1:PORT" to <dir>/bootstrap once the broker answers metadata
// requests and grants a transactional producer ID. Tests find it through KAFKA_BOOTSTRAP (see
// package test/kafkatest); `make kafka-test` runs up, the Kafka tests, and down.
//
// The broker itself (configuration, format, start, readiness, stop) is kafkatest.Broker, which
// tests that stop and restart Kafka start privately with kafkatest.StartBroker; this program
// only adds the jar download and a directory that outlives it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: go run ./test/kafkaharness <command> [flags]

commands:
  jars                 fetch the broker's jars into the user cache (needs mvn)
  up   [-dir .kafka]   start a broker (or reuse a live one) and print its bootstrap address
  down [-dir .kafka]   stop the broker and remove the directory`

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "kafkaharness:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	cmd := args[0]
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	dir := fs.String("dir", ".kafka", "directory for the broker's config, data, log, pid and bootstrap files")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q\n%s", fs.Args(), usage)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch cmd {
	case "jars":
		libs, err := ensureJars(ctx)
		if err != nil {
			return err
		}
		fmt.Println(libs)
	case "up":
		if _, err := ensureJars(ctx); err != nil {
			return err
		}
		addr, err := up(ctx, *dir)
		if err != nil {
			return err
		}
		fmt.Println(addr)
	case "down":
		return down(*dir)
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
	return nil
}

// logf writes a progress line to stderr; stdout carries only the command's result.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "kafkaharness: "+format+"\n", args...)
}
