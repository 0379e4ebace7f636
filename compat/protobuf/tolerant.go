package protobuf

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"github.com/bufbuild/protocompile/options"
	"github.com/bufbuild/protocompile/parser"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// Two things protoc refuses and Confluent accepts under its default
// schema.validate.fields=false (ProtobufSchema.validate only normalises Square Wire's file
// element then; it builds no descriptor):
//
//   - custom options whose extension the schema does not declare (`option (my_option) =
//     true;` without an `extend google.protobuf.FileOptions`): Wire keeps options as written
//     and never resolves them;
//   - field number 0.
//
// protocompile refuses both, so a schema that fails for one of these reasons is compiled
// again by pbTolerantCompiler, whose reporter lets exactly these errors pass. Unresolvable
// options are dropped from the descriptors (the diff never looks at them) and kept in the
// syntax tree, from which the canonical text is printed: as written, also when normalised
// (an option that cannot be resolved is printed as it is).

// pbToleratedError reports whether err is one of the protocompile errors Confluent does not
// have: an option whose extension cannot be resolved (linker: "unknown extension", option
// interpreter: "unrecognized extension") or field number 0.
func pbToleratedError(err error) bool {
	var ewp reporter.ErrorWithPos
	if errors.As(err, &ewp) {
		err = ewp.Unwrap()
	}
	msg := err.Error()
	return strings.Contains(msg, "unknown extension ") || strings.Contains(msg, "unrecognized extension ") ||
		msg == "tag number 0 must be greater than zero"
}

// pbTolerantCompiler does what protocompile.Compiler does for one file and its imports
// (parse, link, interpret options, validate them), one file after the other, with a
// reporter that lets pbToleratedError pass: the linker leaves unresolvable option names as
// written, the option interpreter drops those options, a field keeps number 0. Any other
// error is fatal.
type pbTolerantCompiler struct {
	files map[string]string
	std   protocompile.Resolver
	sym   *linker.Symbols
	fatal error
	done  map[string]linker.File
}

// compileProtobufTolerant compiles main from files, letting pbToleratedError pass.
func compileProtobufTolerant(files map[string]string, main string) (res linker.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("protobuf parser failure: %v", r)
		}
	}()
	c := &pbTolerantCompiler{
		files: files,
		std: protocompile.WithStandardImports(protocompile.ResolverFunc(func(string) (protocompile.SearchResult, error) {
			return protocompile.SearchResult{}, protoregistry.NotFound
		})),
		sym:  &linker.Symbols{},
		done: map[string]linker.File{},
	}
	f, err := c.file(main, nil)
	if err != nil {
		return nil, err
	}
	r, ok := f.(linker.Result)
	if !ok || r.AST() == nil {
		return nil, errors.New("protobuf: no syntax tree for the schema")
	}
	return r, nil
}

// handler is a fresh handler for one step: a tolerated error marks a handler as having
// seen errors, and later steps given the same handler would stop at that mark.
func (c *pbTolerantCompiler) handler() *reporter.Handler {
	return reporter.NewHandler(reporter.NewReporter(func(e reporter.ErrorWithPos) error {
		if pbToleratedError(e) {
			return nil
		}
		if c.fatal == nil {
			c.fatal = e
		}
		return e
	}, nil))
}

// check turns the outcome of a step into the error to stop with, if any: errors the
// reporter let pass leave only the handler's generic "invalid source" behind.
func (c *pbTolerantCompiler) check(err error) error {
	if c.fatal != nil {
		return c.fatal
	}
	if err != nil && !errors.Is(err, reporter.ErrInvalidSource) {
		return err
	}
	return nil
}

// file compiles name after its imports; chain is the import path that led to it.
func (c *pbTolerantCompiler) file(name string, chain []string) (linker.File, error) {
	if f, ok := c.done[name]; ok {
		return f, nil
	}
	if slices.Contains(chain, name) {
		return nil, fmt.Errorf("cycle found in imports: %q", append(chain, name))
	}
	src, ok := c.files[name]
	if !ok {
		sr, err := c.std.FindFileByPath(name)
		if err != nil || sr.Desc == nil {
			return nil, fmt.Errorf("%s: file not found", name)
		}
		f, err := linker.NewFileRecursive(sr.Desc)
		if err != nil {
			return nil, err
		}
		c.done[name] = f
		return f, nil
	}
	node, err := parser.Parse(name, strings.NewReader(src), c.handler())
	if err := c.check(err); err != nil {
		return nil, err
	}
	parsed, err := parser.ResultFromAST(node, true, c.handler())
	if err := c.check(err); err != nil {
		return nil, err
	}
	var deps linker.Files
	for _, dep := range parsed.FileDescriptorProto().GetDependency() {
		f, err := c.file(dep, append(chain, name))
		if err != nil {
			return nil, err
		}
		deps = append(deps, f)
	}
	res, err := linker.Link(parsed, deps, c.sym, c.handler())
	if err := c.check(err); err != nil {
		return nil, err
	}
	if res == nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	_, err = options.InterpretOptions(res, c.handler())
	if err := c.check(err); err != nil {
		return nil, err
	}
	if err := c.check(res.ValidateOptions(c.handler(), c.sym)); err != nil {
		return nil, err
	}
	c.done[name] = res
	return res, nil
}
