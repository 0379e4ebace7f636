package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/accord-registry/accord/compat"
)

// Exit codes of `accord check`, for CI: a pipeline fails on 1 with the verdict's reasons and
// on 2 with what was wrong with the invocation or the files.
const (
	exitCompatible   = 0
	exitIncompatible = 1
	exitUsage        = 2
)

// checkConfig is everything `accord check` is given.
type checkConfig struct {
	subject    string
	version    string
	level      string
	schemaType string
	format     string
	references references
	client     registryFlags
}

func checkFlags(fs *flag.FlagSet) *checkConfig {
	c := &checkConfig{}
	fs.StringVar(&c.subject, "subject", "", "with --registry: the subject the file would be registered under")
	fs.StringVar(&c.version, "version", "", "with --registry: check against this version only (a number or latest); default: the versions the subject's level says")
	fs.StringVar(&c.level, "level", "", "compatibility level (BACKWARD, FULL_TRANSITIVE, ...); default BACKWARD offline, the subject's effective level with --registry")
	fs.StringVar(&c.schemaType, "type", "", "schema type: avro, json or protobuf; default from the extension (.avsc, .json, .proto)")
	fs.StringVar(&c.format, "format", "text", "output: text, json, junit or github")
	fs.Var(&c.references, "reference", "a schema the checked ones reference: name=FILE, or name=subject:version with --registry (repeatable)")
	c.client.register(fs, "registry to check against (env ACCORD_REGISTRY_URL); without it, files are checked against each other")
	return c
}

const checkUsage = `Usage:
  accord check [flags] --level LEVEL OLD... NEW
  accord check [flags] --registry URL --subject SUBJECT NEW

Checks whether a schema change is compatible, with the verdict and messages Confluent Schema
Registry gives, and exits 0 (compatible), 1 (incompatible) or 2 (bad usage or a file that does
not parse).

Offline, the last file is the new schema and the others are the earlier versions, oldest first:
a non-transitive level checks it against the last of them, a transitive level against all.

Against a registry, the file is checked as if registered under --subject: with the subject's
effective level and versions by default (the registry decides), against one --version, or
with --level (Accord checks the subject's versions here, with the registry's code).

Flags:
`

// checkCommand runs `accord check` and returns its exit code.
func checkCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), checkUsage)
		fs.PrintDefaults()
	}
	c := checkFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitCompatible
		}
		return exitUsage
	}
	report, err := c.run(ctx, fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "accord check: %v\n", err)
		return exitUsage
	}
	if err := writeReport(stdout, c.format, report); err != nil {
		fmt.Fprintf(stderr, "accord check: %v\n", err)
		return exitUsage
	}
	if !report.Compatible {
		return exitIncompatible
	}
	return exitCompatible
}

// run checks the files and returns the verdict; an error is a usage or input problem.
func (c *checkConfig) run(ctx context.Context, files []string) (*checkReport, error) {
	if _, ok := reportWriters[c.format]; !ok {
		return nil, fmt.Errorf("unknown --format %q: use text, json, junit or github", c.format)
	}
	if c.client.url != "" {
		if len(files) != 1 || c.subject == "" {
			return nil, errors.New("with --registry, give --subject and exactly one file")
		}
		return c.againstRegistry(ctx, files[0])
	}
	if len(files) < 2 {
		return nil, errors.New("offline, give the earlier versions and then the new schema (at least two files), or --registry")
	}
	return c.offline(files)
}

// levelOr returns the --level flag's level, or def when it is not set.
func (c *checkConfig) levelOr(def compat.Level) (compat.Level, error) {
	if c.level == "" {
		return def, nil
	}
	level, ok := compat.ParseLevel(c.level)
	if !ok {
		return 0, fmt.Errorf("unknown --level %q", c.level)
	}
	return level, nil
}

// typeOf is the schema type of a file: --type, else its extension.
func (c *checkConfig) typeOf(path string) (compat.SchemaType, error) {
	name := strings.ToLower(c.schemaType)
	if name == "" {
		switch {
		case strings.HasSuffix(path, ".avsc"):
			name = "avro"
		case strings.HasSuffix(path, ".proto"):
			name = "protobuf"
		case strings.HasSuffix(path, ".json"):
			name = "json"
		default:
			return "", fmt.Errorf("%s: cannot tell the schema type from the extension; use --type", path)
		}
	}
	switch name {
	case "avro":
		return compat.TypeAvro, nil
	case "json":
		return compat.TypeJSON, nil
	case "protobuf":
		return compat.TypeProtobuf, nil
	}
	return "", fmt.Errorf("unknown --type %q: use avro, json or protobuf", c.schemaType)
}
