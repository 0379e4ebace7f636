package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/twmb/franz-go/pkg/sr"
	"go.uber.org/goleak"

	"github.com/accord-registry/accord/serde/sertest"
)

// The command line is tested by running the accord binary (this test binary, re-executed as
// accord by testscript) on the scripts in testdata/script: exit codes, output formats
// (compared with the golden files in each script), and checks against a real registry
// running in the test process, whose URL scripts find in $REGISTRY (and a second, empty one
// in $REGISTRY2). $FAKE is a fake registry that answers every compatibility check with
// "compatible" and writes each request it receives (method, path, Authorization header,
// body) to $WORK/fake.log, for the scripts that show what a check may send where.
//
// go test ./cmd/accord -run Script -update rewrites the golden files from the output.

var updateScripts = flag.Bool("update", false, "rewrite the golden files of testdata/script from the output")

func TestMain(m *testing.M) {
	testscript.Main(leakChecked{m}, map[string]func(){
		"accord": func() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// leakChecked runs the tests, then fails the binary if a goroutine a test started (a serve,
// a Kafka client, a worker) outlives them: one left running can call t.Errorf after its test
// completed, which panics the whole binary, or carry load into the tests after it.
type leakChecked struct{ m *testing.M }

func (l leakChecked) Run() int {
	code := l.m.Run()
	if code != 0 {
		return code
	}
	if err := goleak.Find(); err != nil {
		fmt.Fprintf(os.Stderr, "goroutines outlived the tests: %v\n", err)
		return 1
	}
	return 0
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *updateScripts,
		Setup: func(env *testscript.Env) error {
			// $REGISTRY for every script, and $REGISTRY2 for those that move schemas
			// between two registries.
			for _, name := range []string{"REGISTRY", "REGISTRY2"} {
				r, err := sertest.Start()
				if err != nil {
					return err
				}
				env.Defer(func() { r.Close() })
				env.Setenv(name, r.URL())
			}
			fake, err := startRecordingRegistry(filepath.Join(env.WorkDir, "fake.log"))
			if err != nil {
				return err
			}
			env.Defer(fake.Close)
			env.Setenv("FAKE", fake.URL)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){"register": register, "expand": expand},
	})
}

// register SUBJECT FILE [AVRO|JSON|PROTOBUF] [name=subject:version...] registers a file's
// schema, with references, in the script's registry.
func register(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: register SUBJECT FILE [AVRO|JSON|PROTOBUF] [name=subject:version...]")
	}
	cl, err := sr.NewClient(sr.URLs(ts.Getenv("REGISTRY")))
	ts.Check(err)
	s := sr.Schema{Schema: ts.ReadFile(args[1])}
	var refs references
	for _, arg := range args[2:] {
		if strings.Contains(arg, "=") {
			ts.Check(refs.Set(arg))
		} else {
			ts.Check(s.Type.UnmarshalText([]byte(strings.ToUpper(arg))))
		}
	}
	s.References, err = refs.fromRegistry()
	ts.Check(err)
	_, err = cl.CreateSchema(context.Background(), args[0], s)
	if (err != nil) != neg {
		ts.Fatalf("register %s %s: %v", args[0], args[1], err)
	}
}

// expand IN OUT writes IN with $VARIABLES of the script's environment expanded to OUT: a
// manifest that names the script's fake registry.
func expand(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: expand IN OUT")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(os.Expand(ts.ReadFile(args[0]), ts.Getenv)), 0o644))
}

// startRecordingRegistry starts a fake registry that logs every request to logPath (created
// empty, so that a script can assert that nothing arrived) and answers every compatibility
// check with "compatible", as the review's attacker's server did.
func startRecordingRegistry(logPath string) (*httptest.Server, error) {
	if err := os.WriteFile(logPath, nil, 0o644); err != nil {
		return nil, err
	}
	var mu sync.Mutex
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		f, err := os.OpenFile(logPath, os.O_APPEND|os.O_WRONLY, 0)
		if err == nil {
			fmt.Fprintf(f, "%s %s authorization=%q body=%q\n", r.Method, r.URL.RequestURI(), r.Header.Get("Authorization"), body)
			f.Close()
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		if strings.HasPrefix(r.URL.Path, "/compatibility/") {
			io.WriteString(w, `{"is_compatible":true,"messages":[]}`)
			return
		}
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error_code":40401,"message":"Subject not found"}`)
	})), nil
}
