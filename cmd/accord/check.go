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
// on 2 with what kept it from a verdict (the invocation, the files, the registry).
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
	gitBase    string
	manifest   string
	references references
	client     registryFlags
	files      *repoFiles // where files are read: the repository, or nil offline (anywhere)
}

func checkFlags(fs *flag.FlagSet) *checkConfig {
	c := &checkConfig{}
	fs.StringVar(&c.subject, "subject", "", "with --registry: the subject the file would be registered under")
	fs.StringVar(&c.version, "version", "", "with --registry: check against this version only (a number or latest); default: the versions the subject's level says")
	fs.StringVar(&c.level, "level", "", "compatibility level (BACKWARD, FULL_TRANSITIVE, ...); default BACKWARD offline, the subject's effective level with --registry")
	fs.StringVar(&c.schemaType, "type", "", "schema type: avro, json or protobuf; default from the extension (.avsc, .json, .proto)")
	fs.StringVar(&c.format, "format", "text", "output: text, json, junit or github")
	fs.StringVar(&c.gitBase, "git-base", "", "compare each file with its version at this git revision (a branch, tag or commit); transitive levels also with every earlier version in its history")
	fs.StringVar(&c.manifest, "manifest", "accord.yaml", "the manifest mapping files to subjects, types, levels and references, read when no file is given")
	fs.Var(&c.references, "reference", "a schema the checked ones reference: name=FILE, or name=subject:version with --registry (repeatable)")
	c.client.register(fs, "registry to check against (env ACCORD_REGISTRY_URL); without it, files are checked against each other")
	return c
}

const checkUsage = `Usage:
  accord check [flags] [--level LEVEL] OLD... NEW
  accord check [flags] --git-base REF FILE...
  accord check [flags] --registry URL --subject SUBJECT FILE
  accord check [flags] [--git-base REF | --registry URL]      (the schemas of accord.yaml)

Checks whether schema changes are compatible, with the verdict and the messages Confluent
Schema Registry gives, and exits 0 (compatible), 1 (incompatible) or 2 (no verdict: bad
usage, a file that does not parse, a registry that cannot be reached or answers with an
error). The type comes from the extension (.avsc, .json, .proto) or --type.

Files: the last file is the new schema and the others are its earlier versions, oldest
first. A plain level checks it against the last of them, a transitive one against all.

Git: each file is checked against its version at REF (in a pull request, the target
branch: --git-base origin/main); a transitive level checks against every version the file
had in the history up to REF. A file that REF does not have is new, and compatible.

Registry: the file is checked as if registered under --subject: with the subject's level
and versions (the registry decides), against one --version, or with --level (the subject's
versions are checked here, with the registry's own code). A subject that does not exist
yet accepts anything.

Manifest: without files, the schemas listed in accord.yaml (or --manifest) are checked,
each with its subject, type, level and references:

  registry: https://registry.example.com  # optional, without credentials only (below)
  level: BACKWARD                         # optional default level
  schemas:
    - file: schemas/order.avsc            # relative to the manifest
      subject: orders-value               # needed to check against a registry
      type: avro                          # optional
      level: FULL_TRANSITIVE              # optional
      references:                         # optional
        - name: com.acme.Money
          file: schemas/money.avsc        # used offline and with --git-base
          subject: money-value            # used with a registry
          version: 1                      # a number or latest (default)

Untrusted trees (a pull request's checkout in CI): the manifest's registry is used only
when no credentials are configured (--user, --password, ACCORD_USER, ACCORD_PASSWORD): the
CI's credentials go only to a registry given by --registry or ACCORD_REGISTRY_URL. Except
for offline checks of files against each other, every file (schemas, references, the
manifest) is read inside the repository: the git work tree, or the working directory
outside git; a path or symbolic link that leads out of it is an error, as is a symbolic
link in git history that does. A file is parsed before it is sent to a registry. Flags end
at the first file or at --: a file named --level=NONE is a file.

Output (--format): text, with the place of each change and what to do about it (control
characters in file names and messages shown escaped, as \x1b); json; junit (a test case
per schema); github (annotations on the pull request's diff, with %, CR, LF escaped and in
properties also : and , as GitHub's toolkit escapes them).

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
	// Flags end at the first file (or --), as the flag package and POSIX have them: file
	// names come from globs and git diff, and a file named --help=.avsc or --level=NONE
	// in a pull request must stay a file.
	if err := parseFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) && len(args) == 1 {
			return exitCompatible
		}
		return exitUsage // help asked for among other arguments is no verdict
	}
	report, err := c.run(ctx, fs.Args())
	if err == nil {
		err = writeReport(stdout, c.format, report)
	}
	if err != nil {
		printCheckError(stderr, c.format, err)
		return exitUsage
	}
	if !allCompatible(report) {
		return exitIncompatible
	}
	return exitCompatible
}

// run checks the files and returns a report per schema checked; an error is a usage or
// input problem.
func (c *checkConfig) run(ctx context.Context, files []string) ([]*checkReport, error) {
	if _, ok := reportWriters[c.format]; !ok {
		return nil, fmt.Errorf("unknown --format %q: use text, json, junit or github", c.format)
	}
	offline := c.gitBase == "" && c.client.url == "" && (len(files) > 0 || c.subject != "")
	if !offline {
		var err error
		if c.files, err = openRepoFiles(ctx); err != nil {
			return nil, err
		}
		defer c.files.close()
	}
	switch {
	case len(files) == 0 && c.subject == "":
		return c.fromManifest(ctx)
	case c.gitBase != "":
		return c.againstGitFiles(ctx, files)
	case c.client.url != "":
		if len(files) != 1 || c.subject == "" {
			return nil, errors.New("with --registry, give --subject and exactly one file")
		}
		return one(c.againstRegistry(ctx, files[0]))
	case len(files) < 2:
		return nil, errors.New("offline, give the earlier versions and then the new schema (at least two files), or --git-base, or --registry")
	}
	return one(c.offline(ctx, files))
}

func one(r *checkReport, err error) ([]*checkReport, error) {
	if err != nil {
		return nil, err
	}
	return []*checkReport{r}, nil
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
