package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"
)

// The client commands read and change a registry for operators and scripts. Each prints
// text a person reads by default, and with --json the registry's own JSON answer (indented),
// so a script can use the same jq filters as on curl's output. They exit 0 on success, 1
// when the registry refuses (with its error code on stderr), and 2 when they could not ask
// it: bad usage, bad input (a file that cannot be read), or a registry that cannot be
// reached.

// clientCommand is one client command: its arguments, what it does, and its flags, which
// it registers on the command's flag set, returning the action that runs with them.
type clientCommand struct {
	args  string
	about string
	setup func(fs *flag.FlagSet) clientAction
}

// clientAction runs a client command on its positional arguments.
type clientAction func(ctx context.Context, r *remote, args []string) error

// errUsage marks an error in how the command was called (exit 2, not 1).
var errUsage = errors.New("usage")

func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// clientCommands are the client commands by name.
func clientCommands() map[string]clientCommand {
	return map[string]clientCommand{
		"subjects": {"", "list the subjects", subjectsCommand},
		"versions": {"SUBJECT", "list a subject's versions", versionsCommand},
		"get":      {"SUBJECT [VERSION] | --id ID", "print a schema (the latest version by default)", getCommand},
		"register": {"SUBJECT FILE", "register a schema file under a subject", registerCommand},
		"delete":   {"SUBJECT [VERSION]", "delete a subject or one version (soft, or --permanent)", deleteCommand},
		"config":   {"[SUBJECT]", "show or --set the compatibility level, globally or of a subject", configCommand},
		"mode":     {"[SUBJECT]", "show or --set the mode (READWRITE, READONLY, IMPORT), globally or of a subject", modeCommand},
		"export":   {"DIR", "write every subject, version, id, config and mode of the registry to DIR", exportCommand},
		"import":   {"DIR", "replay an export into the registry through IMPORT mode, keeping ids and versions", importCommand},
	}
}

// runClient runs the client command name and returns its exit code.
func runClient(ctx context.Context, name string, cmd clientCommand, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	setUsage(fs, fmt.Sprintf("Usage: accord %s [flags] %s\n\n%s.\n\n%s\nFlags:\n", name, cmd.args, upperFirst(cmd.about), clientExitStatus))
	var conn registryFlags
	conn.register(fs, "registry URL (env ACCORD_REGISTRY_URL)")
	r := &remote{out: stdout}
	fs.BoolVar(&r.asJSON, "json", false, "print the registry's JSON answer instead of text")
	action := cmd.setup(fs)
	err := parseArgs(fs, interleaved(fs, args), stdout)
	if err == nil && conn.url == "" {
		err = usageError("give --registry URL or set ACCORD_REGISTRY_URL")
	}
	if err == nil {
		if r.cl, err = conn.client(); err != nil {
			err = badInput(err)
		}
	}
	if err == nil {
		err = action(ctx, r, fs.Args())
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsageShown):
		return exitUsage
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "accord %s: %s\n", name, printable(strings.TrimPrefix(err.Error(), "usage: ")))
		fs.Usage()
		return exitUsage
	}
	// A registry's message, like any text from it, is shown with its control characters
	// escaped.
	fmt.Fprintf(stderr, "accord %s: %s\n", name, printable(err.Error()))
	var input inputError
	if errors.As(err, &input) || isUnreachable(err) {
		return exitUsage
	}
	return 1
}

// clientExitStatus is the client commands' exit status, for their usage.
const clientExitStatus = `Exit status: 0 success, 1 the registry refused (its error code is printed), 2 bad usage,
bad input (a file that cannot be read) or a registry that cannot be reached.
`

// interleaved moves flags given after positional arguments ("get orders-value --json") in
// front of them, since the flag package stops at the first positional argument.
func interleaved(fs *flag.FlagSet, args []string) []string {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil && !isBoolFlag(f) && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return append(append(flags, "--"), positional...)
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// remote is a client command's view of the registry and of its output.
type remote struct {
	cl     *sr.Client
	asJSON bool
	out    io.Writer
}

// call makes one request and returns the answer's body; body, when not nil, is sent as JSON.
func (r *remote) call(ctx context.Context, method, path string, body any, params ...sr.Param) ([]byte, error) {
	if len(params) > 0 {
		ctx = sr.WithParams(ctx, params...)
	}
	var raw []byte
	if err := r.cl.Do(ctx, method, path, body, &raw); err != nil {
		return nil, describeError(err)
	}
	return raw, nil
}

// get makes a GET request and decodes the answer into into.
func (r *remote) get(ctx context.Context, path string, into any, params ...sr.Param) ([]byte, error) {
	raw, err := r.call(ctx, "GET", path, nil, params...)
	if err != nil {
		return nil, err
	}
	if into != nil {
		if err := json.Unmarshal(raw, into); err != nil {
			return nil, fmt.Errorf("GET %s: the registry answered %.80q: %w", path, raw, err)
		}
	}
	return raw, nil
}

// emit prints the registry's answer raw as indented JSON with --json, else the text.
func (r *remote) emit(raw []byte, text string) error {
	if !r.asJSON {
		_, err := io.WriteString(r.out, text)
		return err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		buf.Reset()
		buf.Write(raw)
	}
	buf.WriteByte('\n')
	_, err := r.out.Write(buf.Bytes())
	return err
}

// subjectPath is /subjects/{subject} with the subject escaped, and more path appended.
func subjectPath(subject string, more ...string) string {
	return "/subjects/" + pathSegment(subject) + strings.Join(more, "")
}

// pathSegment escapes a subject or context as one segment of a request path. A subject
// named "." or ".." has its dots escaped too: the client resolves such segments (as
// url.JoinPath does), and /subjects/../versions would ask for /versions.
func pathSegment(s string) string {
	if s == "." || s == ".." {
		return strings.ReplaceAll(s, ".", "%2E")
	}
	return url.PathEscape(s)
}

func subjectsCommand(fs *flag.FlagSet) clientAction {
	deleted := fs.Bool("deleted", false, "include soft-deleted subjects")
	prefix := fs.String("prefix", "", "only subjects starting with this prefix")
	return func(ctx context.Context, r *remote, args []string) error {
		if len(args) != 0 {
			return usageError("no arguments expected")
		}
		params := when(*deleted, sr.ShowDeleted)
		if *prefix != "" {
			params = append(params, sr.SubjectPrefix(*prefix))
		}
		var subjects []string
		raw, err := r.get(ctx, "/subjects", &subjects, params...)
		if err != nil {
			return err
		}
		sort.Strings(subjects)
		for i, s := range subjects {
			subjects[i] = printable(s)
		}
		return r.emit(raw, lines(subjects))
	}
}

func versionsCommand(fs *flag.FlagSet) clientAction {
	deleted := fs.Bool("deleted", false, "include soft-deleted versions")
	return func(ctx context.Context, r *remote, args []string) error {
		if len(args) != 1 {
			return usageError("give one SUBJECT")
		}
		params := when(*deleted, sr.ShowDeleted)
		var versions []int
		raw, err := r.get(ctx, subjectPath(args[0], "/versions"), &versions, params...)
		if err != nil {
			return err
		}
		return r.emit(raw, lines(versions))
	}
}

// registered is a schema as the registry answers GET /subjects/{s}/versions/{v},
// /schemas/ids/{id} and registrations; the fields a command does not show stay raw.
type registered struct {
	Subject    string               `json:"subject,omitempty"`
	Version    int                  `json:"version,omitempty"`
	ID         int                  `json:"id,omitempty"`
	SchemaType string               `json:"schemaType,omitempty"`
	Schema     string               `json:"schema"`
	References []sr.SchemaReference `json:"references,omitempty"`
	Metadata   json.RawMessage      `json:"metadata,omitempty"`
	RuleSet    json.RawMessage      `json:"ruleSet,omitempty"`
}

func getCommand(fs *flag.FlagSet) clientAction {
	id := fs.Int("id", 0, "print the schema with this id instead")
	deleted := fs.Bool("deleted", false, "also find soft-deleted versions")
	return func(ctx context.Context, r *remote, args []string) error {
		var path string
		switch {
		case *id > 0 && len(args) == 0:
			path = fmt.Sprintf("/schemas/ids/%d", *id)
		case *id == 0 && (len(args) == 1 || len(args) == 2):
			version := "latest"
			if len(args) == 2 {
				if _, err := parseVersion(args[1]); err != nil {
					return usageError("%v", err)
				}
				version = args[1]
			}
			path = subjectPath(args[0], "/versions/", version)
		default:
			return usageError("give SUBJECT [VERSION], or --id ID")
		}
		params := when(*deleted, sr.ShowDeleted)
		var s registered
		raw, err := r.get(ctx, path, &s, params...)
		if err != nil {
			return err
		}
		return r.emit(raw, withNewline(s.Schema))
	}
}

func registerCommand(fs *flag.FlagSet) clientAction {
	var refs references
	var typeFlag string
	fs.StringVar(&typeFlag, "type", "", "schema type: avro, json or protobuf; default from the extension")
	fs.Var(&refs, "reference", "a schema it references, as name=subject:version (repeatable)")
	normalize := fs.Bool("normalize", false, "normalize the schema before registering it")
	return func(ctx context.Context, r *remote, args []string) error {
		if len(args) != 2 {
			return usageError("give SUBJECT and FILE")
		}
		c := checkConfig{schemaType: typeFlag}
		typ, err := c.typeOf(args[1])
		if err != nil {
			return badInput(err)
		}
		file, err := os.ReadFile(args[1])
		if err != nil {
			return badInput(err)
		}
		text := string(file)
		srRefs, err := refs.fromRegistry()
		if err != nil {
			return usageError("%v", err)
		}
		body := registered{Schema: text, SchemaType: string(typ), References: srRefs}
		params := when(*normalize, sr.Normalize)
		raw, err := r.call(ctx, "POST", subjectPath(args[0], "/versions"), body, params...)
		if err != nil {
			return withReferenceHint(err)
		}
		var got registered
		if err := json.Unmarshal(raw, &got); err != nil {
			return fmt.Errorf("the registry answered %.80q: %w", raw, err)
		}
		text = fmt.Sprintf("%s: id %d\n", args[0], got.ID)
		if got.Version > 0 {
			text = fmt.Sprintf("%s: version %d, id %d\n", args[0], got.Version, got.ID)
		}
		return r.emit(raw, text)
	}
}

// withReferenceHint adds to the registry's "Undefined schema: NAME" (an Avro schema that
// uses a type defined in another schema) how to give that schema: --reference.
func withReferenceHint(err error) error {
	const undefined = "Undefined schema: "
	var re *sr.ResponseError
	if !errors.As(err, &re) {
		return err
	}
	_, name, ok := strings.Cut(re.Message, undefined)
	if !ok {
		return err
	}
	if i := strings.IndexAny(name, " ,;\n"); i >= 0 {
		name = name[:i]
	}
	return fmt.Errorf("%w (a type defined in another schema: register that schema first, then give it with --reference %s=SUBJECT:VERSION)", err, name)
}

func deleteCommand(fs *flag.FlagSet) clientAction {
	permanent := fs.Bool("permanent", false, "delete permanently (soft-deleting first, as the registry requires)")
	return func(ctx context.Context, r *remote, args []string) error {
		if len(args) != 1 && len(args) != 2 {
			return usageError("give SUBJECT [VERSION]")
		}
		path := subjectPath(args[0])
		what := args[0]
		if len(args) == 2 {
			if _, err := parseVersion(args[1]); err != nil {
				return usageError("%v", err)
			}
			path = subjectPath(args[0], "/versions/", args[1])
			what = args[0] + " version " + args[1]
		}
		raw, err := r.call(ctx, "DELETE", path, nil)
		if *permanent {
			// Already soft-deleted (40404 subject, 40406 version) is where a permanent
			// delete starts from.
			if err != nil && !isNotFound(err, 40404) && !isNotFound(err, 40406) {
				return err
			}
			raw, err = r.call(ctx, "DELETE", path, nil, sr.RawParams(url.Values{"permanent": {"true"}}))
			what = "permanently " + what
		}
		if err != nil {
			return err
		}
		text := fmt.Sprintf("deleted %s\n", what)
		var versions []int
		if json.Unmarshal(raw, &versions) == nil {
			text = fmt.Sprintf("deleted %s, versions %s\n", what, joinInts(versions))
		}
		return r.emit(raw, text)
	}
}

// when is the query parameter p if the flag is set.
func when(flag bool, p sr.Param) []sr.Param {
	if flag {
		return []sr.Param{p}
	}
	return nil
}

// lines prints values one per line.
func lines[T any](values []T) string {
	var b strings.Builder
	for _, v := range values {
		fmt.Fprintln(&b, v)
	}
	return b.String()
}

func withNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

// joinInts is "1, 2, 3".
func joinInts(values []int) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, ", ")
}
