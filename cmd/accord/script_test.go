package main

import (
	"context"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde/sertest"
)

// The command line is tested by running the accord binary (this test binary, re-executed as
// accord by testscript) on the scripts in testdata/script: exit codes, output formats
// (compared with the golden files in each script), and checks against a real registry
// running in the test process, whose URL scripts find in $REGISTRY (and a second, empty one
// in $REGISTRY2).
//
// go test ./cmd/accord -run Script -update rewrites the golden files from the output.

var updateScripts = flag.Bool("update", false, "rewrite the golden files of testdata/script from the output")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"accord": func() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
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
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){"register": register},
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
